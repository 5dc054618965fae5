from django_tasks import task

from peyvand.automation import engine


@task()
def run_rule(*, run_id: int) -> None:
    """Perform one rule run's actions; a run already done or running elsewhere is left alone."""
    engine.execute(run_id)
