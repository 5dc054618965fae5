"""Articles and support staff for the knowledge base's tests."""

from peyvand.accounts.models import Role
from peyvand.service import services_kb
from tests.factories import UserFactory


def agent(team, username="agent"):
    return UserFactory(username=username, role=Role.SUPPORT_AGENT, team=team)


def article(actor, *, title="تغییر رمز عبور", body="از منوی حساب، رمز را عوض کنید.", publish=False, **values):
    made = services_kb.create_article(actor=actor, values={"title": title, "body": body, **values})
    if publish:
        made = services_kb.publish_article(actor=actor, article=made)
    return made
