import pytest


def register_record_types():
    """Until every app registers its record types itself, register the five that files and comments are for
    (only those the registry does not know yet)."""
    from peyvand.activities.api import ACTIVITIES
    from peyvand.contacts.api import COMPANIES, CONTACTS
    from peyvand.core import registry
    from peyvand.leads.api import LEADS
    from peyvand.sales.api import DEALS

    for name, resource in (
        ("company", COMPANIES),
        ("contact", CONTACTS),
        ("lead", LEADS),
        ("deal", DEALS),
        ("activity", ACTIVITIES),
    ):
        if registry.find(name) is None:
            registry.register(
                registry.RecordType(name=name, plural=resource.name, model=resource.model, resource=resource)
            )


@pytest.fixture(scope="session", autouse=True)
def record_types():
    register_record_types()


PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    """Stored files go to a fresh folder, so a test can see exactly what was written."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def contact_of():
    from peyvand.contacts.services import create_contact

    def make(owner, last_name="Rezaei"):
        return create_contact(actor=owner, values={"first_name": "Sara", "last_name": last_name})

    return make
