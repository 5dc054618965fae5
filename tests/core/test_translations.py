"""Persian is first-class: the catalogue is complete, and pages really come out in Persian."""

import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from peyvand.accounts.models import Role

PO = Path(__file__).resolve().parents[2] / "peyvand" / "locale" / "fa" / "LC_MESSAGES" / "django.po"


def test_persian_catalogue_has_no_untranslated_or_fuzzy_entries():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


@pytest.mark.parametrize(("english", "persian"), [("Sales rep", "کارشناس فروش"), ("Deals", "معامله‌ها")])
def test_compiled_catalogue_is_used(english, persian):
    with translation.override("fa"):
        assert translation.gettext(english) == persian
    with translation.override("en"):
        assert str(Role.SALES_REP.label) == "Sales rep"
