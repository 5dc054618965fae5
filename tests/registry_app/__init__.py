"""A record type added by one registration: the worked example of docs/architecture.md ("Adding a record type").

Installed only by the test settings (tests/settings.py); nothing outside this folder names it.
"""
