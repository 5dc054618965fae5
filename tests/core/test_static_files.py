"""Collecting static files: only the Vazirmatn files the pages use, no source maps, compressed once."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

from peyvand.core import staticstorage

needs_npm = pytest.mark.skipif(
    not (settings.PROJECT_DIR / "node_modules" / "vazirmatn").is_dir(), reason="npm packages not installed"
)


@needs_npm
def test_the_font_the_pages_load_is_found_and_the_rest_of_the_package_is_not():
    assert finders.find("vendor/vazirmatn/Vazirmatn-Variable-font-face.css")
    assert finders.find("vendor/vazirmatn/fonts/webfonts/Vazirmatn[wght].woff2")
    assert not finders.find("vendor/vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf")
    assert not finders.find("vendor/vazirmatn/Round-Dots/fonts/webfonts/Vazirmatn-RD[wght].woff2")


@needs_npm
def test_collect_is_small_and_compresses_each_file_once(tmp_path, settings, monkeypatch):
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    files = [p for p in Path(tmp_path).rglob("*") if p.is_file()]
    assert not [p for p in files if p.suffix == ".map"]
    assert sum(p.stat().st_size for p in files) < 15_000_000
    assert {p.name for p in (tmp_path / "vendor" / "vazirmatn").rglob("*") if p.is_file()} >= {
        "Vazirmatn-Variable-font-face.css",
        "Vazirmatn[wght].woff2",
    }
    assert (tmp_path / "peyvand" / "app.css.br").exists() and (tmp_path / "peyvand" / "app.css.gz").exists()

    # a second start: nothing changed, nothing compressed again
    def refuse(data):
        raise AssertionError("compressed again")

    monkeypatch.setattr(staticstorage._Compressor, "compress_brotli", staticmethod(refuse))
    call_command("collectstatic", interactive=False, verbosity=0)
    # a changed file is compressed again
    css = tmp_path / "peyvand" / "app.css"
    css.touch()
    with pytest.raises(AssertionError, match="compressed again"):
        call_command("collectstatic", interactive=False, verbosity=0)
