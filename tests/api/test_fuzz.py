"""Schemathesis walks every operation of the OpenAPI document with generated input: never a server error,
every status documented, every answer shaped as documented.

Its "schema-valid request rejected" check is left out: rules the schema cannot state (an owner id that
exists, a stage of the deal's own pipeline) rightly answer 422 to input the schema allows.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from peyvand.accounts.services import issue_token
from peyvand.wsgi import application
from tests.factories import make_pipeline

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def bearer(db, admin):
    make_pipeline()
    return {"Authorization": f"Bearer {issue_token(user=admin)}"}


@pytest.fixture(autouse=True)
def keep_test_connection_open():
    """Schemathesis calls the WSGI app directly, so Django would close the test's database connection at the
    end of each request; Django's own test client suspends that the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_on_generated_input(case, bearer):
    case.call_and_validate(headers=bearer, excluded_checks=[positive_data_acceptance])
