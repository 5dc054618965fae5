"""Schemathesis walks every operation of the OpenAPI document with generated input: never a server error,
every status documented, every answer shaped as documented.

Its "schema-valid request rejected" check is left out: rules the schema cannot state (an owner id that
exists, a stage of the deal's own pipeline) rightly answer 422 to input the schema allows.
"""

import pytest
import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance
from hypothesis import HealthCheck, settings

from peyvand.accounts.services import issue_token
from peyvand.wsgi import application
from tests.factories import make_pipeline

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def bearer(db, admin):
    make_pipeline()
    return {"Authorization": f"Bearer {issue_token(user=admin)}"}


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_on_generated_input(case, bearer):
    case.call_and_validate(headers=bearer, excluded_checks=[positive_data_acceptance])
