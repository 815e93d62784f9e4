"""The words of the phone page's script, in the phone's language; `{name}` marks a value."""

from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, gettext_noop, ngettext
from django.utils.translation import gettext as _

from practice.zones import place_of

from ..checkoffs.completions import CHECK_OFF_DAYS_BACK
from ..scheduling import TIMEZONES

PRODUCT_COLOUR = "#0f766e"  # Rehabit's own teal, the icons' background; 5.4:1 under white text


def phone_manifest(*, theme_color: str = PRODUCT_COLOUR) -> dict:
    """The web app manifest that makes /app/ installable, in the page's language."""
    start = reverse("phone-app")
    return {
        "id": start,
        "name": "Rehabit",
        "short_name": "Rehabit",
        "description": _("Your home exercises, check-offs and progress, even offline."),
        "lang": get_language(),
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f3f4f6",
        "theme_color": theme_color,
        "icons": [
            {
                "src": static(f"app/icons/{kind}-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": purpose,
            }
            for kind, purpose in (("icon", "any"), ("maskable", "maskable"))
            for size in (192, 512)
        ],
    }


def phone_strings() -> dict[str, str]:
    return {
        "expired": _("Your sign-in has expired. Please sign in again."),
        "sign_in_offline": _("No connection. Signing in needs the internet once."),
        # The API's errors a client can meet, by place and code (and field): see `explain` in app.js.
        "sign_in_authentication_failed": _("Email or password is not right."),
        "sign_in_email_blank": _("Please enter your email address."),
        "sign_in_email_invalid": _("Please enter a valid email address, such as name@example.com."),
        "sign_in_password_blank": _("Please enter your password."),
        "sign_in_throttled": _("Too many attempts to sign in. Please wait a few minutes and try again."),
        "sign_in_unexplained": _("Signing in did not work just now. Please try again."),
        "signed_out": _("You are signed out."),
        "signed_out_waiting_one": _(
            "You are signed out. {count} check-off not sent yet waits on this phone until you sign in again."
        ),
        "signed_out_waiting_other": _(
            "You are signed out. {count} check-offs not sent yet wait on this phone until you sign in again."
        ),
        "signing_in": _("Signing you in…"),
        "today": _("Today, {date}"),
        "session": _("{name} (session {number})"),
        "done": _("✓ Done"),
        "check_off": _("Check off"),
        "check_off_label": _("Check off {name}"),
        "undo": _("Undo"),
        "undo_label": _("Undo the check-off of {name}"),
        "undone": _("The check-off of {name} is undone."),
        "undo_offline": _(
            "The check-off of {name} is already saved, so undoing it needs a connection. "
            "Please try again once you are online."
        ),
        "undo_failed": _("{name} could not be un-checked just now. Please try again."),
        "pain_not_set": _("Not set"),
        "done_hint": _("Prescribed: {dosage}. Fill these in only if you want to say what you did."),
        "timer": _("Timer"),
        "timer_label": _("Start timer for {name}"),
        "what_changed": _("What changed:"),
        "updated": _("Updated by your practitioner (version {version})."),
        "paused": _("paused"),
        "break_ahead": _("No exercises from {from} to {to}."),
        "on_break": _("On a break: no exercises from {from} to {to}."),
        "handout": _("Handout (PDF)"),
        "handout_failed": _("The handout could not be downloaded."),
        "refused_one": _("{count} check-off could not be saved. {reason}"),
        "refused_other": _("{count} check-offs could not be saved. {reason}"),
        "refused_date_in_future": _("That day has not come yet where you are."),
        "refused_before_start": _("Your program had not started yet on that day."),
        "refused_after_end": _("Your program had already ended on that day."),
        "refused_too_far_back": ngettext(
            "Check-offs can go back %(days)s day at most.",
            "Check-offs can go back %(days)s days at most.",
            CHECK_OFF_DAYS_BACK,
        )
        % {"days": CHECK_OFF_DAYS_BACK},
        "refused_session_past_schedule": _("That session is not in your program on that day."),
        "refused_not_found": _("That exercise is no longer in your program."),
        "refused_unexplained": _("Rehabit did not accept it."),
        "synced": _("All check-offs synced."),
        "unreachable": _("Can't reach Rehabit"),
        "offline": _("Offline"),
        "sync_throttled_one": _(
            "Rehabit asked for a short pause: {count} check-off waits here and is sent shortly."
        ),
        "sync_throttled_other": _(
            "Rehabit asked for a short pause: {count} check-offs wait here and are sent shortly."
        ),
        "waiting_one": _("{where}: {count} check-off waiting to sync."),
        "waiting_other": _("{where}: {count} check-offs waiting to sync."),
        "saved_list": _("{where}: showing your saved list."),
        # A list kept from a day gone by (the page stayed open overnight, offline): see listIsStale.
        "stale_list": _("This is the list of {date}; today's exercises load once you are online."),
        "stale_check_off": _(
            "Not checked off: this list is not today's but that of {date}. "
            "Today's exercises load once you are online."
        ),
        "left_side": _("Left side"),
        "right_side": _("Right side"),
        "set": _("Set {set} of {sets}"),
        "hold": _("Hold {rep} of {reps}"),
        "go": _("Go"),
        "rest": _("Rest"),
        "rest_switch": _("Rest, then switch sides"),
        "rest_set": _("Rest before the next set"),
        "pause": _("Pause"),
        "resume": _("Resume"),
        "next": _("Next: {step}"),
        "last": _("Last one"),
        "well_done": _("Well done!"),
        "loading": _("Loading today's exercises…"),
        "settings_title": _("Settings"),
        "today_title": _("Today"),
        "saving": _("Saving…"),
        "saved": _("Saved."),
        "not_saved_fields": _("Not saved: please check the fields marked above."),
        "not_saved_offline": _(
            "Not saved: there is no connection. Your changes are still here; save them again once you are online."
        ),
        "not_saved_server": _("Not saved: Rehabit could not save your settings just now. Please try again."),
        "settings_offline": _("You are offline. Settings can be changed only with a connection."),
        "settings_unavailable": _(
            "Your settings need a connection to load. Please try again once you are online."
        ),
        "use_phone_zone": _("Use this phone's time zone ({zone})"),
        "zone_now": _("Time there now: {time}"),
        "error_quiet_hours_incomplete": _("Quiet hours need both a start and an end, or neither."),
        "error_unknown_timezone": _("Rehabit does not know this time zone. Please choose one from the list."),
        "error_null": _("Please fill this in."),
        "error_unexplained": _("Please check this value."),
        # One exercise's how-to (#exercise/...).
        "note_title": _("From your practitioner"),
        "steps_title": _("How to do it"),
        "cues_title": _("Keep in mind"),
        "video": _("Watch the video (opens outside Rehabit)"),
        "position": _("Exercise {number} of {total}"),
        "previous": _("Previous: {name}"),
        "next_exercise": _("Next: {name}"),
        "start_with": _("Start with {name}"),
        "go_on_with": _("Go on with {name}"),
        # Progress: today's count and the report of /me/adherence/.
        "done_today": _("{done} of {total} done today"),
        "done_that_day": _("{done} of {total} done that day"),
        "progress_saved": _("Offline: these are your figures from {when}. They update once you are online."),
        "days_one": _("{count} day"),
        "days_other": _("{count} days"),
        "week_of": _("Week of {date}"),
        "week_done": _("{done} of {scheduled} done"),
        "week_rest": _("Nothing scheduled"),
        "week_none_yet": _("Nothing done yet"),
        "week_pain": _("average pain {pain}"),
        "pain_unknown": _("Your pain trend shows once you have given a pain score in two different weeks."),
        "pain_falling": _("Easing: {change} points lower than in the first week you scored it."),
        "pain_rising": _(
            "Rising: {change} points higher than in the first week you scored it. "
            "If it keeps rising, tell your practitioner."
        ),
        "pain_steady": _("Steady: about the same as in the first week you scored it."),
    }


# The regions of the IANA names a person picks from; the API takes any IANA name (the
# client's own zone is added to the list by the page when it is not one of these).
REGIONS = {
    "Africa": gettext_noop("Africa"),
    "America": gettext_noop("America"),
    "Antarctica": gettext_noop("Antarctica"),
    "Arctic": gettext_noop("Arctic"),
    "Asia": gettext_noop("Asia"),
    "Atlantic": gettext_noop("Atlantic"),
    "Australia": gettext_noop("Australia"),
    "Europe": gettext_noop("Europe"),
    "Indian": gettext_noop("Indian Ocean"),
    "Pacific": gettext_noop("Pacific"),
}


def timezone_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(region, [(IANA name, place)])] for the settings screen's select, in the page's language."""
    names = TIMEZONES
    return [
        (_(label), [(name, place_of(name)) for name in names if name.startswith(region + "/")])
        for region, label in REGIONS.items()
    ]
