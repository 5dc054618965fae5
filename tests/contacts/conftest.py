"""The lead fixtures (a scoring model) serve the lead merge tests too."""

from tests.leads.conftest import scoring_model  # noqa: F401
