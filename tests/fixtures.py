"""Fixtures shared by the unit, API and browser tests (registered by the root conftest.py)."""

import pytest
from django.test import Client

from peyvand.accounts.models import Role
from peyvand.accounts.services import issue_token
from tests.factories import TeamFactory, UserFactory, make_pipeline


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing a password properly takes a third of a second; tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Code called directly by a test (services, audit notes) speaks English; each request still picks its own
    language (Persian unless the user chose otherwise), as in production."""
    from django.utils import translation

    with translation.override("en"):
        yield


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


@pytest.fixture(autouse=True)
def migrated_rows(request):
    """Every test with a database starts from a migrated one, with the rows the migrations seed (the default lost
    reasons). A transactional test (the browser tests' live server) empties every table when it ends; under
    pytest-xdist a test file that follows it on the same worker would otherwise start without them. Written
    outside the test's transaction, as the migration wrote them."""
    if not (DATABASE_FIXTURES & set(request.fixturenames) or request.node.get_closest_marker("django_db")):
        return
    request.getfixturevalue("django_db_setup")
    import importlib

    from django.apps import apps

    from peyvand.sales.models import LostReason

    with request.getfixturevalue("django_db_blocker").unblock():
        if not LostReason.objects.exists():
            importlib.import_module("peyvand.sales.migrations.0006_lost_reasons").add_default_reasons(
                apps, None
            )


@pytest.fixture(autouse=True)
def empty_cache():
    """Counters kept in Django's cache (the public quote page's answer limit) start from nothing in each test, as
    ids are reused between tests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background jobs run inside the request in tests; tests of the worker itself choose the database backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def team_a(db):
    return TeamFactory(name="Tehran")


@pytest.fixture
def team_b(db):
    return TeamFactory(name="Shiraz")


@pytest.fixture
def admin(team_a):
    return UserFactory(username="admin", role=Role.ADMIN, team=team_a, is_superuser=True, is_staff=True)


@pytest.fixture
def manager_a(team_a):
    return UserFactory(username="manager_a", role=Role.SALES_MANAGER, team=team_a)


@pytest.fixture
def rep_a(team_a):
    return UserFactory(username="rep_a", role=Role.SALES_REP, team=team_a)


@pytest.fixture
def rep_a2(team_a):
    return UserFactory(username="rep_a2", role=Role.SALES_REP, team=team_a)


@pytest.fixture
def rep_b(team_b):
    return UserFactory(username="rep_b", role=Role.SALES_REP, team=team_b)


@pytest.fixture
def pipeline(db):
    return make_pipeline()


class ApiClient:
    """Real HTTP requests through the whole Django stack, authenticated with a bearer token."""

    def __init__(self, user):
        self.user = user
        self.client = Client()
        # Tests read English messages; the API follows Accept-Language.
        self.headers = {"Authorization": f"Bearer {issue_token(user=user)}", "Accept-Language": "en"}

    def _call(self, method, path, data=None, **params):
        kwargs = {"headers": self.headers}
        if data is not None:
            kwargs.update(data=data, content_type="application/json")
        if params:
            from urllib.parse import urlencode

            path = f"{path}?{urlencode(params)}"
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs)

    def get(self, path, **params):
        return self._call("get", path, **params)

    def post(self, path, data=None):
        return self._call("post", path, data if data is not None else {})

    def patch(self, path, data):
        return self._call("patch", path, data)

    def delete(self, path, **params):
        return self._call("delete", path, **params)


@pytest.fixture
def api_for():
    return ApiClient
