"""The workspace's look, as far as it is behaviour: the practice's accent kept readable, the
current page marked, one date style in both languages, and a timezone list led by likely zones."""

import re
from datetime import date, datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from practice.colours import contrast_with_white, readable_accent
from practice.zones import TIMEZONES, likely_first_choices
from tests.factories import ClientFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def first_groups(page: str, select_id: str, groups: int = 2) -> list[tuple[str, list[str]]]:
    """The first optgroups of a select on a page: (label, [zone names])."""
    select = re.search(rf'<select[^>]*id="{select_id}".*?</select>', page, re.S).group(0)
    found = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)[:groups]
    return [(label, re.findall(r'value="([^"]+)"', options)) for label, options in found]


def test_a_pale_practice_colour_is_darkened_until_white_text_on_it_reads():
    for pale in ("#facc15", "#ffffff", "#a7f3d0"):
        assert contrast_with_white(readable_accent(pale)) >= 4.5, pale


def test_a_practice_colour_that_already_reads_is_kept_and_nonsense_falls_back_to_rehabits():
    assert readable_accent("#7c3aed") == "#7c3aed"
    assert readable_accent("red; background: url(x)") == "#0f766e"


def test_the_workspace_wears_the_practices_accent(client, alice, alice_practice):
    alice_practice.accent_color = "#facc15"
    alice_practice.save()
    client.force_login(alice)

    page = client.get("/clients/").text

    assert f"--accent: {readable_accent('#facc15')};" in page


def test_the_top_bar_marks_the_page_you_are_on(client, alice):
    client.force_login(alice)

    library = client.get("/library/").text
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', library, re.S).group(1)

    assert re.search(r'aria-current="page" href="/library/">Library</a>', nav)
    assert nav.count("aria-current") == 1


def test_dates_read_the_same_way_everywhere_in_english_and_in_spanish():
    page = Template('{{ d|date }} · {{ dt|date:"DATETIME_FORMAT" }} · {{ dt|time }}')
    context = Context({"d": date(2026, 12, 7), "dt": datetime(2026, 12, 7, 14, 30)})

    with translation.override("en"):
        assert page.render(context) == "7 Dec 2026 · 7 Dec 2026, 14:30 · 14:30"
    with translation.override("es"):
        assert page.render(context) == "7 dic 2026 · 7 dic 2026, 14:30 · 14:30"


def test_a_date_input_holds_an_iso_date_in_spanish_too_so_the_browser_can_show_it():
    field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    with translation.override("es"):
        html = field.widget.render("on", date(2026, 12, 7))

    assert 'value="2026-12-07"' in html


def test_likely_zones_lead_the_list_then_common_ones_and_every_zone_stays_listed():
    choices = likely_first_choices(["Europe/Madrid", "Nowhere/Atlantis", "Europe/Madrid"])

    assert choices[0] == ("Suggested", [("Europe/Madrid", "Europe/Madrid")])
    assert choices[1][0] == "Common" and "Europe/Madrid" not in dict(choices[1][1])
    listed = {name for _, group in choices[2:] for name, _ in group}
    assert listed == set(TIMEZONES)


def test_adding_a_client_offers_your_zone_and_your_clients_zones_first(client, alice, alice_practice):
    alice.memberships.update(timezone="America/Bogota")
    for _ in range(2):
        ClientFactory(practice=alice_practice, timezone="Europe/Madrid")
    ClientFactory(practice=alice_practice, timezone="Asia/Tokyo")
    client.force_login(alice)

    page = client.get("/clients/new/").text

    (suggested, zones), (common, _) = first_groups(page, "id_timezone")
    assert (suggested, common) == ("Suggested", "Common")
    assert zones == ["America/Bogota", "Europe/Madrid", "Asia/Tokyo"]
    assert re.search(r'<option value="America/Bogota" selected>', page)


def test_a_zone_picked_from_the_suggestions_or_the_long_list_is_saved(client, alice):
    client.force_login(alice)

    for zone in ("Europe/London", "Pacific/Chatham"):
        email = f"{zone.split('/')[1].lower()}@example.com"
        client.post("/clients/new/", {"name": "Nora", "email": email, "timezone": zone, "notes": ""})
        assert alice.memberships.get().practice.clients.get(email=email).timezone == zone


def test_your_settings_offer_your_zone_and_your_colleagues_zones_first(client, alice, alice_practice):
    alice.memberships.update(timezone="Europe/Dublin")
    MembershipFactory(practice=alice_practice, timezone="Australia/Perth")
    client.force_login(alice)

    page = client.get("/practice/").text

    (suggested, zones), _ = first_groups(page, "id_timezone")
    assert suggested == "Suggested" and zones == ["Europe/Dublin", "Australia/Perth"]
    assert "data-tz-picker" in page


def test_form_labels_read_as_plain_words_without_a_trailing_colon(client, alice):
    client.force_login(alice)

    page = client.get("/practice/").content.decode()

    assert re.search(r"<label[^>]*>Name</label>", page)
    assert not re.search(r":</label>", page)
