"""The lead fixtures (a scoring model, assignment rules) serve the lead imports too."""

from tests.leads.conftest import rule_to, scoring_model  # noqa: F401
