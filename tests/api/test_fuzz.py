"""Schemathesis walks every operation of the OpenAPI document with generated input, as an administrator and as
a sales rep (with records of another team present, which the rep must never reach): never a server error, every
status documented, every answer shaped as documented.

Its "schema-valid request rejected" check is left out: rules the schema cannot state (an owner id that
exists, a stage of the deal's own pipeline) rightly answer 422 to input the schema allows.

Bounded in time for CI: ten examples per operation and role (the whole file takes about three minutes on a
busy two-core machine); every operation is still walked. PEYVAND_FUZZ_EXAMPLES asks for more (a deeper run).
"""

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from peyvand.accounts.services import issue_token
from peyvand.activities.services import create_activity
from peyvand.api import api
from peyvand.contacts.services import create_company, create_contact
from peyvand.leads.services import create_lead
from peyvand.sales.services import create_deal
from peyvand.wsgi import application
from tests.factories import make_pipeline

# The document as the API builds it (reading it over HTTP needs sign-in); calls go through the WSGI app.
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
schema.app = application
# A request refused for its size (a body over the upload limit, a query too long to be an honest filter) is
# rejected as it should be, with the documented 413 or 414.
_rejection = schema.config.checks.negative_data_rejection
_rejection.expected_statuses = [*_rejection.expected_statuses, "413", "414"]


def _records(owner):
    company = create_company(actor=owner, values={"name": f"{owner.username} Co"})
    contact = create_contact(actor=owner, values={"last_name": owner.username, "company": company})
    deal = create_deal(actor=owner, values={"title": f"{owner.username} deal", "contact": contact})
    create_lead(actor=owner, values={"last_name": f"{owner.username} lead"})
    create_activity(actor=owner, values={"subject": f"Call {owner.username}", "record": deal})


@pytest.fixture(params=["admin", "sales_rep"])
def bearer(request, db, admin, rep_a, rep_b):
    make_pipeline()
    _records(rep_a)
    _records(rep_b)  # another team's: the rep must not see, change or reach them
    user = admin if request.param == "admin" else rep_a
    return {"Authorization": f"Bearer {issue_token(user=user)}"}


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
@settings(
    max_examples=int(os.environ.get("PEYVAND_FUZZ_EXAMPLES", "10")),
    deadline=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)
def test_api_never_fails_on_generated_input(case, bearer):
    case.call_and_validate(headers=bearer, excluded_checks=[positive_data_acceptance])
