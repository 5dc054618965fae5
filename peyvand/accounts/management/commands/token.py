from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from peyvand.accounts.models import ApiToken, User
from peyvand.accounts.services import issue_token


class Command(BaseCommand):
    help = _("Print a new API token for a user (shown once), or revoke a user's tokens.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")
        parser.add_argument("--revoke-all", action="store_true", help=_("Revoke every token of the user."))

    def handle(self, *args, username, name, revoke_all, **options):
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(_("No active user named %(username)s.") % {"username": username}) from None
        if revoke_all:
            for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
                token.revoke()
            self.stdout.write(_("Revoked every token of %(username)s.") % {"username": username})
            return
        self.stdout.write(issue_token(user=user, name=name))
