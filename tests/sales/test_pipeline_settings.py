"""The settings page for sales processes: pipelines, their stages and each stage's rules."""

from html.parser import HTMLParser

import pytest

from peyvand.sales.models import ChecklistItem, Pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


class _FormReader(HTMLParser):
    """The values a browser would submit from the page's pipeline form, as a list of (name, value)."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "pipeline-form" in (a.get("class") or ""):
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value") or "on"))
            else:
                self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append(tuple(self._textarea))
            self._textarea = None


def _form(client, url) -> dict[str, list[str]]:
    page = client.get(url)
    assert page.status_code == 200
    reader = _FormReader()
    reader.feed(page.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in reader.fields:
        data.setdefault(name, []).append(value)
    # an unselected <select> submits its first option; the form always selects one, except "team"
    data.setdefault("team", [""])
    return data


def _set(data, name, value):
    data[name] = value if isinstance(value, list) else [value]


def test_only_administrators_open_the_pipeline_settings(client, rep_a, manager_a, admin, pipeline):
    for user in (rep_a, manager_a):
        client.force_login(user)
        assert client.get("/settings/pipelines/").status_code == 403
        assert client.get(f"/settings/pipelines/{pipeline.pk}/").status_code == 403
        assert (
            client.post("/settings/pipelines/new/", {"name": "Mine", "stage_count": "0"}).status_code == 403
        )
    assert not Pipeline.objects.filter(name="Mine").exists()
    client.force_login(admin)
    listing = client.get("/settings/pipelines/").content.decode()
    assert pipeline.name in listing and f"/settings/pipelines/{pipeline.pk}/" in listing


def test_an_administrator_creates_a_pipeline_with_stage_rules_from_the_settings_page(client, admin):
    client.force_login(admin)
    data = _form(client, "/settings/pipelines/new/")
    _set(data, "name", "Hardware")
    _set(data, "s0-name", "Site survey")
    _set(data, "s0-max_days", "۵")  # Persian digits
    _set(data, "s0-script", "<p>Ask for the <em>floor plan</em></p><script>steal()</script>")
    _set(data, "s0-required_fields", ["amount", "company"])
    _set(data, "s0-i0-text", "Visit the site")
    _set(data, "s0-i0-required", "on")
    _set(data, "s0-i1-text", "Take photos")
    response = client.post("/settings/pipelines/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    hardware = Pipeline.objects.get(name="Hardware")
    (stage,) = hardware.stages.all()
    assert (stage.name, stage.max_days, stage.required_fields) == ("Site survey", 5, ["amount", "company"])
    assert stage.script == "<p>Ask for the <em>floor plan</em></p>"
    assert [(i.text, i.required) for i in stage.checklist.all()] == [
        ("Visit the site", True),
        ("Take photos", False),
    ]


def test_editing_adds_a_stage_reorders_by_position_and_keeps_checklist_items(client, admin, pipeline):
    lead_in = pipeline.stages.get(name="Lead in")
    item = ChecklistItem.objects.create(stage=lead_in, text="Confirm budget", required=True)
    client.force_login(admin)
    url = f"/settings/pipelines/{pipeline.pk}/"
    data = _form(client, url)
    assert data["s0-name"] == ["Lead in"] and data["s0-i0-text"] == ["Confirm budget"]
    assert data["s0-i0-required"] == ["on"]
    new = int(data["stage_count"][0]) - 1  # the empty "add a stage" row
    _set(data, f"s{new}-name", "Demo")
    _set(data, f"s{new}-position", "2")
    _set(data, f"s{new}-probability", "20")
    _set(data, f"s{new}-max_days", "10")
    _set(data, "s0-i0-text", "Confirm the budget")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(pipeline.stages.values_list("name", flat=True)) == [
        "Lead in",
        "Demo",
        "Qualified",
        "Proposal",
        "Won",
        "Lost",
    ]
    item.refresh_from_db()
    assert item.text == "Confirm the budget" and item.required and item.stage == lead_in
    assert pipeline.stages.get(name="Demo").max_days == 10


def test_the_settings_form_puts_errors_on_their_stage_and_saves_nothing(client, admin, pipeline):
    client.force_login(admin)
    url = f"/settings/pipelines/{pipeline.pk}/"
    data = _form(client, url)
    _set(data, "s1-max_days", "forever")
    _set(data, "s2-probability", "140")
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a whole number of days from 1 to 3650, or leave it empty." in page
    assert "Enter a whole number from 0 to 100." in page
    assert 'data-stage-row="1"' in page and 'value="forever"' in page
    assert pipeline.stages.get(name="Qualified").max_days is None
    assert pipeline.stages.get(name="Proposal").probability == 60


def test_a_stage_with_deals_cannot_be_removed_from_the_settings_page(client, admin, rep_a, pipeline):
    from peyvand.sales.services import create_deal

    create_deal(actor=rep_a, values={"title": "Still here"})
    client.force_login(admin)
    url = f"/settings/pipelines/{pipeline.pk}/"
    data = _form(client, url)
    _set(data, "s0-delete", "on")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "still has deals" in response.content.decode()
    assert pipeline.stages.filter(name="Lead in").exists()
