"""Shared fixtures for tests/ and e2e/."""

pytest_plugins = ["tests.fixtures"]
