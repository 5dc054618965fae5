"""The test settings: Peyvand's own, plus the record type that proves a new type is one registration
(tests/registry_app, docs/architecture.md "Adding a record type")."""

from peyvand.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.registry_app"]  # noqa: F405
