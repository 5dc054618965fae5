import pytest

from peyvand.accounts.models import Role
from peyvand.contacts.services import create_contact
from tests.factories import UserFactory


@pytest.fixture
def agent_a(team_a):
    return UserFactory(username="agent_a", role=Role.SUPPORT_AGENT, team=team_a)


@pytest.fixture
def agent_a2(team_a):
    return UserFactory(username="agent_a2", role=Role.SUPPORT_AGENT, team=team_a)


@pytest.fixture
def agent_b(team_b):
    return UserFactory(username="agent_b", role=Role.SUPPORT_AGENT, team=team_b)


@pytest.fixture
def support_manager_a(team_a):
    return UserFactory(username="support_manager_a", role=Role.SUPPORT_MANAGER, team=team_a)


@pytest.fixture
def customer(admin):
    return create_contact(
        actor=admin, values={"first_name": "Sara", "last_name": "Karimi", "emails": ["sara@example.com"]}
    )


@pytest.fixture
def ticket(agent_a, customer):
    from peyvand.service.services_tickets import create_ticket

    return create_ticket(actor=agent_a, values={"subject": "The printer does not print", "contact": customer})
