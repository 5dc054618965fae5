"""Background jobs of the leads app; each may run again safely (re-scoring only recomputes derived data)."""

from django_tasks import task

from peyvand.core.jobs import run_job


@task()
def rescore_leads(job_id: int, model_id: int) -> None:
    from peyvand.leads.models import ScoringModel
    from peyvand.leads.scoring import leads_scored_by, rescore

    def work(progress):
        model = ScoringModel.objects.get(pk=model_id)
        return {"rescored": rescore(leads_scored_by(model), progress)}

    run_job(job_id, work)
