from datetime import date

import factory

from clients.assignments.lifecycle import assignment_create
from clients.models import ALL_DAYS, Client, Reminder
from clients.reminders import delivery
from practice.models import Membership, Practice, User
from programs.models import Exercise, Program, ProgramExercise


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    password = factory.django.Password("correct-horse-battery")


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Practice {n}")
    slug = factory.Sequence(lambda n: f"practice-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    practice = factory.SubFactory(PracticeFactory)
    role = Membership.PRACTITIONER


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    practice = factory.SubFactory(PracticeFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"client{n}@example.com")
    timezone = "Europe/London"
    user = factory.SubFactory(UserFactory, email=factory.SelfAttribute("..email"))


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise

    slug = factory.Sequence(lambda n: f"exercise-{n}")
    name = factory.Sequence(lambda n: f"Exercise {n}")
    region = "lower-back"
    steps = ["Get ready.", "Move slowly."]
    cues = ["Breathe."]
    sets = 3
    reps = 10


class TemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Template {n}")
    is_template = True

    @factory.post_generation
    def exercises(program, create, count, **kwargs):
        for position in range(count if count is not None else 3):
            ProgramExercise.objects.create(
                program=program, exercise=ExerciseFactory(), position=position, sets=3, reps=10
            )


def assign(client: Client, *, start: date, weeks: int = 4, days=ALL_DAYS, sessions: int = 1, template=None):
    return assignment_create(
        client=client,
        template=template or TemplateFactory(),
        start_date=start,
        weeks=weeks,
        days_of_week=list(days),
        sessions_per_day=sessions,
    )


def deliver_queued(*, now=None) -> list[str | None]:
    """What a worker does with the sends queued after a commit (invites, moves, handouts)."""
    pending = Reminder.objects.filter(status=Reminder.PENDING).order_by("pk").values_list("pk", flat=True)
    return [delivery.deliver(pk, now=now) for pk in pending]
