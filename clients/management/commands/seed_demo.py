import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from clients.assignments.lifecycle import assignment_create
from clients.consultations.booking import odi_percent
from clients.consultations.questionnaires import QUESTIONNAIRES, score
from clients.models import (
    ALL_DAYS,
    Assignment,
    Client,
    Completion,
    Consultation,
    Message,
    QuestionnaireResponse,
    QuestionnaireSchedule,
)
from clients.scheduling import local_date
from practice.models import Membership, Practice, User
from programs.library import TEMPLATE
from programs.models import Program

DEFAULT_PASSWORD = "movement-is-medicine"  # noqa: S105 (the demo sign-in, printed on purpose)
HISTORY_DAYS = 21  # three weeks of check-offs, so every chart and list shows something at once
MISSED = range(9, 13)  # days after the start with nothing done: a missed stretch to see
NOTES = {
    2: "Stiff first thing, easier after a walk.",
    6: "Side plank: left side harder than the right.",
    14: "Slept badly, back sore this morning.",
    17: "Squats felt good today.",
}


class Command(BaseCommand):
    help = "Create (idempotently) a demo practice with a practitioner and a client on the back-pain program."

    def add_arguments(self, parser):
        parser.add_argument("--slug", default="demo", help="practice slug (default: demo)")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="password of both demo sign-ins")

    def handle(self, *args, slug, password, **options):
        if not Program.objects.filter(practice=None, slug=TEMPLATE["slug"]).exists():
            call_command("seed_library", stdout=self.stdout)
        with transaction.atomic():
            practice, practitioner, client = _seed(slug, password)
        self.stdout.write(
            f"Demo practice “{practice.name}” (slug {slug}):\n"
            f"  practitioner  {practitioner.email} / {password}   sign in at /accounts/login/\n"
            f"  client        {client.email} / {password}   sign in on the phone page at /app/ (or POST /api/v1/auth/token/)\n"
        )


def _seed(slug: str, password: str):
    practice, _ = Practice.objects.get_or_create(slug=slug, defaults={"name": f"{slug.title()} Physio"})
    practitioner = _user(f"practitioner@{slug}.example", "Pat Practitioner", password)
    Membership.objects.get_or_create(
        user=practitioner, practice=practice, defaults={"role": Membership.OWNER}
    )
    client_user = _user(f"client@{slug}.example", "Casey Client", password)
    # Found by its sign-in, not its email: the practitioner may have edited the demo client's email.
    client, _ = Client.objects.get_or_create(
        user=client_user,
        defaults={
            "practice": practice,
            "email": client_user.email,
            "name": client_user.name,
            "practitioner": practitioner,
        },
    )
    assignment = client.assignments.filter(status=Assignment.ACTIVE).first()
    if assignment is None:
        assignment = assignment_create(
            client=client,
            template=Program.objects.get(practice=None, slug=TEMPLATE["slug"]),
            start_date=local_date(client, timezone.now()) - timedelta(days=HISTORY_DAYS),
            weeks=6,
            days_of_week=ALL_DAYS,
            by=practitioner,
        )
    if not Completion.objects.filter(assignment__client=client).exists():
        _history(assignment)
    if not client.consultations.exists():
        _consultations(client, practitioner, first_day=assignment.start_date)
    schedules = QuestionnaireSchedule.objects.filter(assignment__client=client)
    if not schedules.filter(questionnaire="psfs").exists():
        _questionnaire(assignment, practitioner)
    if not schedules.filter(questionnaire="nprs").exists():
        _weekly_pain(assignment, practitioner)
    if not Message.objects.filter(client=client).exists():
        _messages(client, practitioner)
    return practice, practitioner, client_user


PSFS_AT_START = {
    "activities": [{"activity": "Gardening", "rating": 3}, {"activity": "Lifting my son", "rating": 4}]
}


def _questionnaire(assignment: Assignment, practitioner) -> None:
    """A PSFS every two weeks from the start: answered then, the second one overdue since last week."""
    schedule = QuestionnaireSchedule.objects.create(
        assignment=assignment,
        questionnaire="psfs",
        every_days=14,
        starts_on=assignment.start_date,
        created_by=practitioner,
    )
    QuestionnaireResponse.objects.create(
        client=assignment.client,
        schedule=schedule,
        questionnaire="psfs",
        due_on=assignment.start_date,
        answered_on=assignment.start_date,
        answers=PSFS_AT_START,
        score=score(QUESTIONNAIRES["psfs"], PSFS_AT_START),
    )


WEEKLY_PAIN = [6, 5, 3]  # the client's answers in the past weeks: easing, as the check-offs do


def _weekly_pain(assignment: Assignment, practitioner) -> None:
    """An NPRS every week from the start, answered each past week, so Outcomes has a pain-at-rest
    series; today's is due on the phone page."""
    schedule = QuestionnaireSchedule.objects.create(
        assignment=assignment,
        questionnaire="nprs",
        every_days=7,
        starts_on=assignment.start_date,
        created_by=practitioner,
    )
    for week, pain in enumerate(WEEKLY_PAIN):
        day = assignment.start_date + timedelta(days=7 * week)
        QuestionnaireResponse.objects.create(
            client=assignment.client,
            schedule=schedule,
            questionnaire="nprs",
            due_on=day,
            answered_on=day,
            answers={"pain": pain},
            score=score(QUESTIONNAIRES["nprs"], {"pain": pain}),
            seen_at=timezone.now(),
            seen_by=practitioner,
        )


def _messages(client: Client, practitioner) -> None:
    """A short thread: the practitioner's welcome, read; the client's question, waiting."""
    Message.objects.create(
        client=client,
        author=practitioner,
        from_client=False,
        body="Welcome! Tick each exercise off as you go; write here if anything hurts.",
        read_at=timezone.now(),
    )
    Message.objects.create(
        client=client,
        author=client.user,
        from_client=True,
        body="Is it normal that my back feels stiff first thing in the morning?",
    )


def _history(assignment: Assignment) -> None:
    """Check-offs from the program's start to today: pain easing from about 6 to 2, a missed
    stretch, a few notes, and today half done. Dated in the past, so no pain alert goes out."""
    zone = ZoneInfo(assignment.client.timezone)
    today = local_date(assignment.client, timezone.now())
    items = list(assignment.program.items.order_by("position"))
    dice = random.Random(assignment.pk)  # noqa: S311 (the same history whenever the demo is seeded)
    for offset in range((today - assignment.start_date).days + 1):
        day = assignment.start_date + timedelta(days=offset)
        if offset in MISSED:
            continue
        done = items[: len(items) // 2] if day == today else items
        rows = [_check_off(assignment, item, day, offset, dice) for item in done]
        for position, row in enumerate(rows):
            row.note = NOTES.get(offset, "") if position == 0 else ""
        Completion.objects.bulk_create(rows)
        at = (
            datetime.combine(day, time(18, 30), tzinfo=zone)
            if day < today
            else timezone.now() - timedelta(hours=1)
        )
        Completion.objects.filter(pk__in=[row.pk for row in rows]).update(created_at=at, updated_at=at)


def _check_off(assignment, item, day, offset: int, dice: random.Random) -> Completion:
    easing = 6 - offset * 4 / HISTORY_DAYS  # from about 6 at the start to 2 three weeks on
    return Completion(
        assignment=assignment,
        assignment_exercise=item,
        date=day,
        sets_done=item.sets if dice.random() > 0.15 else max(1, item.sets - 1),
        reps_done=item.reps,
        pain=max(0, min(10, round(easing + dice.choice([-1, 0, 0, 1])))),
        difficulty=dice.choice([2, 2, 3, 3, 4]),
    )


def _consultations(client: Client, practitioner, *, first_day) -> None:
    """The assessment in clinic the day before the program began, and a video review last week,
    each with pain at rest and the Oswestry, so the outcomes show a change to compare."""
    zone = ZoneInfo(client.timezone)
    held = [
        (first_day - timedelta(days=1), Consultation.CLINIC, 6, [3, 1, 2, 2, 3, 2, 2, None, 1, 2]),
        (
            local_date(client, timezone.now()) - timedelta(days=5),
            Consultation.VIDEO,
            3,
            [1, 0, 1, 1, 1, 1, 1, None, 0, 1],
        ),
    ]
    for day, place, pain, answers in held:
        Consultation.objects.create(
            client=client,
            practitioner=practitioner,
            scheduled_at=datetime.combine(day, time(10, 0), tzinfo=zone),
            place=place,
            status=Consultation.COMPLETED,
            subjective="Low back pain for six weeks, worse sitting at work.",
            assessment="Non-specific low back pain; no red flags.",
            plan="Home program daily; review in two to three weeks.",
            pain=pain,
            odi_answers=answers,
            odi_percent=odi_percent(answers),
        )


def _user(email: str, name: str, password: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user
