import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext_noop

from peyvand.notifications.models import Notification
from peyvand.notifications.services import notify
from tests.fixtures import ApiClient

pytestmark = pytest.mark.django_db


def _notify(users, key=None):
    return notify(
        recipients=users,
        kind="test",
        title=gettext_noop("Deal “%(deal)s” has been stuck for %(days)s days"),
        params={"deal": "Pars", "days": 3},
        url="/deals/1/",
        key=key,
    )


def test_a_key_notifies_each_recipient_once_however_often_it_is_sent(
    rep_a, rep_a2, django_capture_on_commit_callbacks
):
    rep_a.email = "rep@example.com"
    rep_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert len(_notify([rep_a, rep_a2, rep_a], key="stuck:1")) == 2
        assert _notify([rep_a, rep_a2], key="stuck:1") == []
    assert Notification.objects.count() == 2
    assert [m.to for m in mail.outbox] == [["rep@example.com"]]  # rep_a2 has no address
    # the e-mail left through the outbox, where it is kept with how it went (and retried if it fails)
    from peyvand.messaging.models import Outbox

    kept = Outbox.objects.get()
    assert (kept.to, kept.source, kept.status) == ("rep@example.com", "notification:test", "sent")


def test_the_text_is_shown_in_the_readers_language(rep_a):
    (note,) = notify(recipients=[rep_a], kind="test", title=gettext_noop("Notifications"))
    with translation.override("en"):
        assert note.text_title() == "Notifications"
    with translation.override("fa"):
        assert note.text_title() == "اعلان‌ها"


def test_inactive_users_are_not_notified(rep_a):
    rep_a.is_active = False
    rep_a.save()
    assert _notify([rep_a]) == []


def test_the_api_lists_and_marks_only_my_own_notifications(rep_a, rep_b):
    mine = _notify([rep_a])[0]
    theirs = _notify([rep_b])[0]
    api = ApiClient(rep_a)
    listed = api.get("/notifications").json()
    assert [n["id"] for n in listed["items"]] == [mine.pk]
    assert listed["unread"] == 1
    assert listed["items"][0]["title"] == "Deal “Pars” has been stuck for 3 days"
    assert api.post(f"/notifications/{theirs.pk}/read", {}).status_code == 404
    assert api.post(f"/notifications/{mine.pk}/read", {}).json() == {"marked": 1}
    assert api.get("/notifications", unread="true").json()["count"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert ApiClient(rep_b).post("/notifications/read-all", {}).json() == {"marked": 1}


def test_the_bell_counts_unread_and_opening_one_marks_it_read(client, rep_a):
    note = _notify([rep_a])[0]
    client.force_login(rep_a)
    page = client.get("/notifications/")
    assert 'class="badge"' in page.content.decode()
    assert "Pars" in page.content.decode()
    response = client.post(f"/notifications/{note.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/deals/1/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'class="badge"' not in client.get("/notifications/").content.decode()


def test_opening_someone_elses_notification_is_not_found(client, rep_a, rep_b):
    note = _notify([rep_b])[0]
    client.force_login(rep_a)
    assert client.post(f"/notifications/{note.pk}/open/").status_code == 404


def test_a_link_outside_peyvand_is_not_followed(client, rep_a):
    note = notify(recipients=[rep_a], kind="test", title="x", url="https://evil.example/")[0]
    client.force_login(rep_a)
    assert client.post(f"/notifications/{note.pk}/open/")["Location"] == "/notifications/"


def test_notify_many_keeps_notifys_rules_for_a_whole_batch(rep_a, rep_a2, django_capture_on_commit_callbacks):
    from peyvand.notifications.services import notify_many

    rep_a.email = "rep@example.com"
    rep_a.save()
    rep_a2.is_active = False
    rep_a2.save()
    _notify([rep_a], key="batch:1")  # already told: not again

    def item(users, key):
        return {"recipients": users, "kind": "test", "title": gettext_noop("Hello"), "key": key}

    with django_capture_on_commit_callbacks(execute=True):
        created = notify_many([item([rep_a, rep_a2], "batch:1"), item([rep_a, rep_a], "batch:2")])
    assert [(n.recipient, n.key) for n in created] == [(rep_a, "batch:2")]
    assert Notification.objects.filter(key="batch:2").count() == 1
    assert [m.to for m in mail.outbox] == [["rep@example.com"]]  # the new one, e-mailed after commit
    assert notify_many([item([rep_a], "batch:2")]) == []
