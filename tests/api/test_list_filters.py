"""Each list's filters are named in the API's documentation, and a filter the list does not have is refused."""

import pytest

from peyvand.activities.resources import ACTIVITIES
from peyvand.api import api
from peyvand.contacts.resources import COMPANIES, CONTACTS
from peyvand.leads.resources import LEADS
from peyvand.sales.resources import DEALS

RESOURCES = [COMPANIES, CONTACTS, LEADS, DEALS, ACTIVITIES]


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_every_filter_of_a_list_is_documented(resource):
    operation = api.get_openapi_schema()["paths"][f"/api/v1/{resource.name}"]["get"]
    for name in resource.list_spec.filters:
        assert f"`{name}`" in operation["description"], name


@pytest.mark.django_db
@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_an_undocumented_filter_is_refused_by_name(resource, api_for, rep_a):
    response = api_for(rep_a).get(f"/{resource.name}", no_such_filter="1")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "no_such_filter"
