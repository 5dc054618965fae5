"""The catalogue over HTTP: products (generic routes), price lists with their prices, tax rates; as the owner
(an administrator), a manager, a rep and a rep of another team."""

import datetime as dt

import pytest

from peyvand.billing.models import TaxClass, TaxRate

pytestmark = pytest.mark.django_db


def test_a_manager_creates_a_product_everyone_reads_it_and_a_rep_cannot_change_it(
    api_for, manager_a, rep_a, rep_b
):
    created = api_for(manager_a).post("/products", {"code": "P-1", "name": "کاغذ", "price": "1250000"})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["price"] == "1250000.00"
    for reader in (rep_a, rep_b):  # another team's rep too: the catalogue is the company's
        assert api_for(reader).get(f"/products/{pk}").status_code == 200
        assert [p["id"] for p in api_for(reader).get("/products", search="p-1").json()["items"]] == [pk]
    refused = api_for(rep_a).patch(f"/products/{pk}", {"version": 1, "price": "1"})
    assert refused.status_code == 403
    assert api_for(rep_b).delete(f"/products/{pk}", version=1).status_code == 403
    assert api_for(rep_a).post("/products", {"code": "P-2", "name": "x"}).status_code == 403


def test_a_taken_code_answers_a_field_error(api_for, manager_a):
    api = api_for(manager_a)
    api.post("/products", {"code": "P-1", "name": "a"})
    again = api.post("/products", {"code": "P-1", "name": "b"})
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "code"


def test_products_are_filtered_by_active_and_service(api_for, manager_a):
    api = api_for(manager_a)
    api.post("/products", {"code": "S", "name": "Install", "is_service": True})
    api.post("/products", {"code": "G", "name": "Paper", "active": False})
    assert [p["code"] for p in api.get("/products", is_service="true").json()["items"]] == ["S"]
    assert [p["code"] for p in api.get("/products", active="false").json()["items"]] == ["G"]


def test_price_lists_and_their_prices_over_http(api_for, manager_a, rep_a):
    api = api_for(manager_a)
    product = api.post("/products", {"code": "P", "name": "Paper", "price": "1000"}).json()["id"]
    created = api.post("/price-lists", {"name": "Wholesale", "priority": 5})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    items = [
        {"product": product, "min_quantity": "1", "price": "900"},
        {"product": product, "min_quantity": "10", "price": "800"},
    ]
    saved = api._call("put", f"/price-lists/{pk}/items", {"items": items})
    assert saved.status_code == 200, saved.content
    assert [(i["min_quantity"], i["price"]) for i in saved.json()] == [
        ("1.000", "900.00"),
        ("10.000", "800.00"),
    ]
    bad = api._call("put", f"/price-lists/{pk}/items", {"items": [{"product": 999999, "price": "1"}]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "items.1.product"
    assert len(api_for(rep_a).get(f"/price-lists/{pk}/items").json()) == 2
    assert api_for(rep_a).patch(f"/price-lists/{pk}", {"priority": 1}).status_code == 403
    assert api_for(rep_a)._call("put", f"/price-lists/{pk}/items", {"items": []}).status_code == 403
    assert api.patch(f"/price-lists/{pk}", {"active": False}).json()["active"] is False
    assert api.get("/price-lists", active="false").json()["count"] == 1
    assert api.get("/price-lists/999999").status_code == 404


def test_tax_rates_are_read_by_everyone(api_for, rep_b):
    standard = TaxClass.objects.create(code="standard", name="Standard")
    TaxRate.objects.create(tax_class=standard, name="VAT", percent=10, valid_from=dt.date(2025, 3, 21))
    rates = api_for(rep_b).get("/tax/rates").json()
    assert [(r["tax_class_code"], r["percent"], r["valid_from"]) for r in rates] == [
        ("standard", "10.000", "2025-03-21")
    ]
    assert api_for(rep_b).get("/tax/classes").json()[0]["code"] == "standard"


def test_only_an_administrator_restores_a_product_and_everyone_reads_its_audit(
    api_for, admin, manager_a, rep_a, rep_b
):
    pk = api_for(manager_a).post("/products", {"code": "P-9", "name": "Paper"}).json()["id"]
    assert [e["action"] for e in api_for(rep_a).get(f"/products/{pk}/audit").json()] == ["create"]
    # the catalogue is the whole company's: whoever reads a product reads its history
    assert api_for(rep_b).get(f"/products/{pk}/audit").status_code == 200
    assert api_for(manager_a).delete(f"/products/{pk}", version=1).status_code == 204
    assert api_for(manager_a).post(f"/products/{pk}/restore").status_code == 403
    assert api_for(admin).post(f"/products/{pk}/restore").status_code == 200
    assert api_for(rep_b).get(f"/products/{pk}").status_code == 200
