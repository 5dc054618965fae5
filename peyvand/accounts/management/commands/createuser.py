from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from peyvand.accounts.models import Role
from peyvand.accounts.services import create_user
from peyvand.core.errors import ValidationFailed


class Command(BaseCommand):
    help = _("Create a user with a role and, optionally, a team and a password.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--team", default="")
        parser.add_argument("--password", default=None, help=_("Without it the user cannot sign in yet."))
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, username, role, team, password, email, first_name, last_name, **options):
        try:
            user = create_user(
                username=username,
                role=role,
                team=team or None,
                password=password,
                email=email,
                first_name=first_name,
                last_name=last_name,
            )
        except ValidationFailed as exc:
            raise CommandError("; ".join(f"{e['field']}: {e['message']}" for e in exc.errors)) from None
        self.stdout.write(
            _("Created %(username)s (%(role)s).")
            % {"username": user.username, "role": user.get_role_display()}
        )
