from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peyvand.core import secrets


class Command(BaseCommand):
    help = gettext_lazy(
        "Encrypt every kept secret again under the first key of PEYVAND_SECRETS_KEY (after adding a new key in "
        "front); values no key opens are counted and left as they are."
    )

    def handle(self, *args, **options):
        rotated = unreadable = 0
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, secrets.EncryptedTextField):
                    continue
                table, column = model._meta.db_table, field.column
                pk_column = model._meta.pk.column
                quote = connection.ops.quote_name
                with connection.cursor() as cursor:
                    # the stored tokens, read past the field's own decryption
                    cursor.execute(
                        f"SELECT {quote(pk_column)}, {quote(column)} FROM {quote(table)} "
                        f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} <> ''"
                    )
                    rows = cursor.fetchall()
                for pk, token in rows:
                    try:
                        new = secrets.rotate(token)
                    except Exception:
                        unreadable += 1
                        continue
                    model._base_manager.filter(pk=pk).update(**{field.attname: secrets.Token(new)})
                    rotated += 1
        self.stdout.write(
            _("%(rotated)s secrets encrypted again; %(unreadable)s could not be opened.")
            % {"rotated": rotated, "unreadable": unreadable}
        )
