import pytest

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
