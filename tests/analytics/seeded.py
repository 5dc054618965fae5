"""One seeded history per test module: built once inside a transaction, rolled back after the module."""

import pytest
from django.db import transaction


def module_history(build, **options):
    """A module-scoped ``history`` fixture holding ``build(**options)``."""

    @pytest.fixture(scope="module")
    def history(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            yield build(**options)
            transaction.set_rollback(True)

    return history
