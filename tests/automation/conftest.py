import pytest


@pytest.fixture
def run_events(django_capture_on_commit_callbacks):
    """Run what happens after commit (events, then the rule tasks they enqueue) as a request would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
