"""The web forms' settings pages: administrators create and change forms through one audited service, get the
code to embed them, and close them; the public form may be framed by any site while every other page may not."""

import html
import re

import pytest
from django.urls import reverse

from peyvand.core.audit import audit_for
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.models import CustomField
from peyvand.leads.models import Lead, WebForm
from peyvand.leads.webforms import field_choices, save_web_form, web_forms_for_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def web_form(admin, pipeline):
    return save_web_form(
        actor=admin,
        values={
            "name": "Ask for a demo",
            "fields": ["first_name", "last_name", "phone"],
            "required_fields": ["phone"],
            "pipeline": pipeline.pk,
        },
    )


def _post(**overrides):
    data = {
        "name": "Contact us",
        "ask": ["last_name", "email", "phone"],
        "required": ["email"],
        "position_email": "1",
        "position_last_name": "2",
        "position_phone": "3",
        "source": "landing_page",
        "pipeline": "",
        "use_assignment_rules": "1",
        "default_owner": "",
        "thank_you": "We will call you today.",
        "active": "1",
    }
    data.update(overrides)
    return data


def _fields(exc: PeyvandError) -> dict[str, str]:
    return {e["field"]: str(e["message"]) for e in exc.errors}


# --- the service -------------------------------------------------------------------------------------------


def test_creating_a_form_keeps_the_fields_in_order_requires_the_last_name_and_is_audited(admin, pipeline):
    form = save_web_form(
        actor=admin,
        values={
            "name": "  Ask   for a demo ",
            "fields": ["phone", "last_name", "first_name", "phone"],
            "required_fields": ["phone"],
            "pipeline": pipeline.pk,
            "open_deal": True,
            "source": "landing_page",
        },
    )
    form.refresh_from_db()
    assert form.name == "Ask for a demo"
    assert form.fields == ["phone", "last_name", "first_name"]  # each once, in the order given
    assert form.required_fields == ["last_name", "phone"]  # the public form always requires the last name
    assert (form.pipeline, form.open_deal, form.source, form.active) == (pipeline, True, "landing_page", True)
    entry = audit_for(form).get()
    assert entry.action == "create" and entry.actor == admin
    assert entry.changes["fields"] == [None, ["phone", "last_name", "first_name"]]


def test_a_change_is_audited_with_its_old_and_new_value_and_no_change_writes_nothing(admin, web_form):
    save_web_form(actor=admin, web_form=web_form, values={"thank_you": "Thanks!", "active": False})
    entry = audit_for(web_form).order_by("-id").first()
    assert entry.action == "update"
    assert entry.changes == {"thank_you": ["", "Thanks!"], "active": [True, False]}
    count = audit_for(web_form).count()
    save_web_form(actor=admin, web_form=web_form, values={"thank_you": "Thanks!"})
    assert audit_for(web_form).count() == count


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": "   "}, "name", "This field is required."),
        ({"fields": []}, "fields", "List the fields the form asks for."),
        ({"fields": ["last_name", "salary"]}, "fields", "Unknown fields: salary"),
        ({"fields": ["first_name", "phone"]}, "fields", "A form must ask for the last name (or the name)."),
        ({"fields": "last_name"}, "fields", "Give a list of field names."),
        (
            {"required_fields": ["email"]},
            "required_fields",
            "Required fields must be among the fields asked.",
        ),
        ({"source": "carrier pigeon"}, "source", "Choose one of the offered sources."),
        ({"pipeline": 999999}, "pipeline", "No such pipeline, or you may not use it."),
        ({"default_owner": 999999}, "default_owner", "You may not give records to this user."),
        ({"thank_you": "x" * 301}, "thank_you", "at most 300 characters"),
    ],
)
def test_a_bad_value_is_refused_with_an_error_naming_its_field_and_nothing_is_saved(
    admin, values, field, message
):
    base = {"name": "Contact us", "fields": ["last_name", "phone"]}
    with pytest.raises(ValidationFailed) as refused:
        save_web_form(actor=admin, values={**base, **values})
    assert message in _fields(refused.value)[field]
    assert not WebForm.objects.exists()


def test_the_intake_account_cannot_be_a_default_owner(admin):
    from peyvand.leads.intake import intake_actor

    with pytest.raises(ValidationFailed) as refused:
        save_web_form(
            actor=admin,
            values={"name": "Contact", "fields": ["last_name"], "default_owner": intake_actor().pk},
        )
    assert set(_fields(refused.value)) == {"default_owner"}


def test_custom_fields_of_leads_are_offered_with_their_labels_and_accepted(admin):
    CustomField.objects.create(entity="lead", key="product", label="Product", field_type="text")
    assert ("custom.product", "Product") in field_choices()
    assert ("phone", "Phone") in field_choices()
    form = save_web_form(actor=admin, values={"name": "Products", "fields": ["last_name", "custom.product"]})
    assert form.fields == ["last_name", "custom.product"]


@pytest.mark.parametrize("role", ["manager_a", "rep_a"])
def test_only_an_administrator_may_save_a_form(request, role):
    with pytest.raises(PeyvandError) as refused:
        save_web_form(actor=request.getfixturevalue(role), values={"name": "X", "fields": ["last_name"]})
    assert (refused.value.status, refused.value.code) == (403, "web_form.forbidden")


def test_a_form_whose_fields_went_stale_can_still_be_closed(admin):
    form = WebForm.objects.create(name="Old", fields=["last_name", "custom.gone"])
    save_web_form(actor=admin, web_form=form, values={"active": False})
    form.refresh_from_db()
    assert form.active is False


def test_the_list_counts_the_leads_each_form_brought_in_without_the_deleted(admin, web_form):
    from peyvand.core.records import delete_record

    other = save_web_form(actor=admin, values={"name": "Other", "fields": ["last_name"]})
    leads = [Lead.objects.create(last_name=f"Visitor {i}", web_form=web_form, owner=admin) for i in range(3)]
    delete_record(leads[0], actor=admin)
    counts = {f.name: f.submissions for f in web_forms_for_settings()}
    assert counts == {"Ask for a demo": 2, "Other": 0} and other.pk


# --- the pages ---------------------------------------------------------------------------------------------


def test_the_list_shows_each_form_with_its_status_leads_and_public_address(client, admin, web_form):
    Lead.objects.create(last_name="Visitor", web_form=web_form, owner=admin)
    client.force_login(admin)
    response = client.get(reverse("leads-web-forms"))
    assert response.status_code == 200
    page = response.content.decode()
    row = re.search(rf'<tr class="" data-web-form="{web_form.pk}">(.*?)</tr>', page, re.S).group(1)
    assert "Ask for a demo" in row and "open" in row and f"/f/{web_form.key}/" in row
    assert re.search(r'data-label="Leads">1</td>', row)


def test_an_administrator_creates_a_form_from_the_page_with_ticked_fields_in_their_order(client, admin):
    client.force_login(admin)
    response = client.post(reverse("leads-web-form-create"), _post())
    form = WebForm.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "leads-web-form-edit", args=[form.pk]
    )
    assert form.fields == ["email", "last_name", "phone"]
    assert form.required_fields == ["last_name", "email"]
    assert (form.source, form.use_assignment_rules, form.open_deal, form.thank_you) == (
        "landing_page",
        True,
        False,
        "We will call you today.",
    )
    assert audit_for(form).get().actor == admin


def test_the_form_page_gives_the_public_address_and_both_codes_to_embed(client, admin, web_form):
    client.force_login(admin)
    response = client.get(reverse("leads-web-form-edit", args=[web_form.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    public = f"http://testserver/f/{web_form.key}/"
    assert f'value="{public}"' in page
    # what the textareas show (and the copy buttons copy) is the HTML to paste, escaped once for the page
    iframe = html.unescape(re.search(r'<textarea id="snippet-iframe"[^>]*>(.*?)</textarea>', page, re.S)[1])
    script = html.unescape(re.search(r'<textarea id="snippet-script"[^>]*>(.*?)</textarea>', page, re.S)[1])
    assert iframe == (
        f'<iframe src="{public}" title="Ask for a demo" loading="lazy" '
        'style="border:0;width:100%;height:40rem"></iframe>'
    )
    assert script == (
        '<script src="http://testserver/static/peyvand/embed.js" '
        f'data-peyvand-form="{public}" data-title="Ask for a demo" async></script>'
    )
    assert page.count("data-copy=") == 3
    # the ticked fields come first, in the form's order, with their labels
    rows = re.findall(r'<tr data-field="([^"]+)">', page)
    assert rows[:3] == ["first_name", "last_name", "phone"]


def test_the_code_for_the_form_in_english_asks_for_english(client, admin, web_form):
    client.force_login(admin)
    page = client.get(reverse("leads-web-form-edit", args=[web_form.pk]) + "?embed=en").content.decode()
    public = f"http://testserver/f/{web_form.key}/?lang=en"
    assert f'value="{public}"' in page
    assert f"data-peyvand-form=&quot;{public}&quot;" in page
    assert client.get(public).content.decode().startswith('<!doctype html>\n<html lang="en" dir="ltr">')


def test_a_form_name_cannot_break_out_of_the_embed_code(admin):
    from peyvand.leads.webforms import embed_snippets

    form = WebForm(name='Sales"><script>alert(1)</script>', key="k")
    codes = embed_snippets(form=form, public_url="https://crm.example/f/k/", script_url="https://x/e.js")
    assert "<script>alert" not in codes["iframe"] and "<script>alert" not in codes["script"]
    assert 'title="Sales&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in codes["iframe"]


def test_a_bad_post_shows_the_error_beside_its_field_and_keeps_what_was_typed(client, admin):
    client.force_login(admin)
    response = client.post(reverse("leads-web-form-create"), _post(ask=["email"], required=[]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "A form must ask for the last name (or the name)." in page
    assert 'value="Contact us"' in page and "We will call you today." in page
    assert not WebForm.objects.exists()


def test_editing_changes_the_form_and_deactivating_closes_its_public_page(client, admin, web_form):
    client.force_login(admin)
    response = client.post(
        reverse("leads-web-form-edit", args=[web_form.pk]), _post(name="Ask for a demo", active="1")
    )
    assert response.status_code == 302
    web_form.refresh_from_db()
    assert web_form.fields == ["email", "last_name", "phone"] and web_form.pipeline is None
    assert client.get(f"/f/{web_form.key}/").status_code == 200

    response = client.post(reverse("leads-web-form-active", args=[web_form.pk]), {"active": "0"})
    assert response.status_code == 302
    web_form.refresh_from_db()
    assert web_form.active is False
    assert client.get(f"/f/{web_form.key}/").status_code == 404
    client.post(reverse("leads-web-form-active", args=[web_form.pk]), {"active": "1"})
    assert client.get(f"/f/{web_form.key}/").status_code == 200


@pytest.mark.parametrize("role", ["manager_a", "rep_a"])
def test_a_manager_or_rep_gets_403_and_cannot_change_a_form(client, request, role, web_form):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("leads-web-forms")).status_code == 403
    assert client.get(reverse("leads-web-form-edit", args=[web_form.pk])).status_code == 403
    assert (
        client.post(reverse("leads-web-form-active", args=[web_form.pk]), {"active": "0"}).status_code == 403
    )
    web_form.refresh_from_db()
    assert web_form.active is True


def test_the_settings_hub_offers_web_forms_to_administrators_only(client, admin, rep_a):
    client.force_login(admin)
    assert reverse("leads-web-forms") in client.get(reverse("settings")).content.decode()
    client.force_login(rep_a)
    response = client.get(reverse("settings"))
    assert response.status_code == 403 or reverse("leads-web-forms") not in response.content.decode()


# --- framing -----------------------------------------------------------------------------------------------


def _frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if part.strip().startswith("frame-ancestors"))


def test_the_public_form_may_be_framed_by_any_site(client, web_form):
    response = client.get(f"/f/{web_form.key}/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert _frame_ancestors(response) == "frame-ancestors *"
    # the rest of the policy still holds: no inline script on the framed page either
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert 'src="/static/peyvand/public_form.js"' in response.content.decode()


def test_every_other_page_still_refuses_to_be_framed(client, admin, web_form):
    client.force_login(admin)
    for url in (
        reverse("settings"),
        reverse("leads-web-forms"),
        reverse("leads-web-form-edit", args=[web_form.pk]),
        "/login/",
    ):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert _frame_ancestors(response) == "frame-ancestors 'none'", url


def test_the_list_costs_the_same_queries_for_one_form_or_many(client, admin, pipeline):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("leads-web-forms")).status_code == 200
        return len(captured)

    save_web_form(actor=admin, values={"name": "First", "fields": ["last_name"], "pipeline": pipeline.pk})
    one = queries()
    for i in range(5):
        form = save_web_form(
            actor=admin, values={"name": f"Form {i}", "fields": ["last_name"], "default_owner": admin.pk}
        )
        Lead.objects.create(last_name=f"Visitor {i}", web_form=form, owner=admin)
    assert queries() == one


def test_the_admin_sends_operators_to_the_settings_page_for_the_code_to_embed(client, admin, web_form):
    client.force_login(admin)
    page = client.get(reverse("admin:leads_webform_change", args=[web_form.pk])).content.decode()
    assert f'href="{reverse("leads-web-form-edit", args=[web_form.pk])}"' in page
    assert "YOUR-PEYVAND" not in page
