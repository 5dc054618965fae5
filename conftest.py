"""Shared fixtures for tests/ and e2e/."""

import pytest

pytest_plugins = ["tests.fixtures"]


def pytest_collection_modifyitems(items):
    """With ``-n`` (pytest-xdist, ``--dist loadgroup``) tests are spread one by one over the workers, except that
    a module whose tests share a module-scoped fixture (a seeded history, a backup taken once) stays on one worker,
    so that fixture is built once."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        if any(
            definitions and definitions[-1].scope == "module"
            for definitions in info.name2fixturedefs.values()
        ):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
