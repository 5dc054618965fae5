from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from peyvand.accounts.models import ApiToken, User
from peyvand.accounts.services import issue_token
from peyvand.core.errors import ValidationFailed


class Command(BaseCommand):
    help = _("Print a new API token for a user (shown once), or revoke a user's tokens.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--name", default="cli", help=_("What the token is for (shown in the token list).")
        )
        parser.add_argument("--read-only", action="store_true", help=_("The token may only read (GET)."))
        parser.add_argument("--expires-days", type=int, default=None, help=_("Days until the token expires."))
        parser.add_argument("--revoke-all", action="store_true", help=_("Revoke every token of the user."))

    def handle(self, *args, username, name, read_only, expires_days, revoke_all, **options):
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(_("No active user named %(username)s.") % {"username": username}) from None
        if revoke_all:
            for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
                token.revoke()
            self.stdout.write(_("Revoked every token of %(username)s.") % {"username": username})
            return
        try:
            key = issue_token(user=user, name=name, read_only=read_only, expires_days=expires_days)
        except ValidationFailed as exc:
            raise CommandError("; ".join(f"{e['field']}: {e['message']}" for e in exc.errors)) from None
        self.stdout.write(key)
