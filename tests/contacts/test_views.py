"""The contact and company pages list the record's deals, as far as the viewer may see them."""

import pytest
from django.test import Client

from peyvand.contacts.services import create_company, create_contact
from peyvand.core.records import delete_record
from peyvand.sales.models import Deal
from peyvand.sales.services import create_deal

pytestmark = pytest.mark.django_db


def _page(user, path: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _foreign_deal(rep_b, pipeline, **links) -> Deal:
    # Another team's deal on our record (as an import or a reassignment can leave it): the page must not show it.
    deal = create_deal(actor=rep_b, values={"title": "Shiraz deal", "pipeline": pipeline.pk})
    Deal.objects.filter(pk=deal.pk).update(**links)
    return deal


def test_the_company_page_lists_its_deals_the_viewer_may_see_and_not_deleted_ones(rep_a, rep_b, pipeline):
    company = create_company(actor=rep_a, values={"name": "Pars Tile"})
    create_deal(
        actor=rep_a, values={"title": "Tiles for the mall", "pipeline": pipeline.pk, "company": company.pk}
    )
    gone = create_deal(
        actor=rep_a, values={"title": "Cancelled order", "pipeline": pipeline.pk, "company": company.pk}
    )
    delete_record(gone, actor=rep_a)
    _foreign_deal(rep_b, pipeline, company=company)

    page = _page(rep_a, f"/companies/{company.pk}/")

    assert "Tiles for the mall" in page
    assert "Cancelled order" not in page
    assert "Shiraz deal" not in page


def test_the_contact_page_lists_its_deals_the_viewer_may_see(rep_a, rep_b, pipeline):
    contact = create_contact(actor=rep_a, values={"last_name": "Rahimi"})
    create_deal(
        actor=rep_a, values={"title": "Rahimi's kitchen", "pipeline": pipeline.pk, "contact": contact.pk}
    )
    _foreign_deal(rep_b, pipeline, contact=contact)

    page = _page(rep_a, f"/contacts/{contact.pk}/")

    assert "Rahimi&#x27;s kitchen" in page or "Rahimi's kitchen" in page
    assert "Shiraz deal" not in page
