from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from clients.assignments.lifecycle import assignment_create
from clients.models import ALL_DAYS, Assignment, Client
from practice.models import Membership, Practice, User
from programs.library import TEMPLATE
from programs.models import Program

DEFAULT_PASSWORD = "movement-is-medicine"  # noqa: S105 (the demo sign-in, printed on purpose)


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
    if not client.assignments.filter(status=Assignment.ACTIVE).exists():
        assignment_create(
            client=client,
            template=Program.objects.get(practice=None, slug=TEMPLATE["slug"]),
            start_date=timezone.localdate(),
            weeks=6,
            days_of_week=ALL_DAYS,
            by=practitioner,
        )
    return practice, practitioner, client_user


def _user(email: str, name: str, password: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user
