"""Running rules: an event (or a scheduled check) fires the matching rules; each firing is a ``RuleRun`` whose
actions a background task performs, retried with backoff until they succeed or the attempts run out.

Loops are stopped by the chain of rules in the current execution: a run's actions execute with its chain in a
context variable, events raised by them carry it (core/events.py delivers each event in the context it was raised
in), and a rule already in the chain, or a chain as long as ``PEYVAND_AUTOMATION_MAX_DEPTH``, is not run again
but logged as "stopped: loop".
"""

import contextvars
import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from peyvand.automation import catalog, conditions, permissions
from peyvand.automation.actions import FAILURE_BODY, FAILURE_TITLE, perform
from peyvand.automation.models import Rule, RuleRun, RunStatus
from peyvand.automation.webhooks import WebhookRefused

log = logging.getLogger(__name__)

_chain: contextvars.ContextVar[tuple[int, ...]] = contextvars.ContextVar("automation_chain", default=())
LOOP = "stopped: loop"


def max_depth() -> int:
    return int(getattr(settings, "PEYVAND_AUTOMATION_MAX_DEPTH", 5))


def max_attempts() -> int:
    return int(getattr(settings, "PEYVAND_AUTOMATION_MAX_ATTEMPTS", 4))


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt: 1, 5, 25 minutes... capped at six hours."""
    minutes = float(getattr(settings, "PEYVAND_AUTOMATION_BACKOFF_MINUTES", 1.0))
    return dt.timedelta(minutes=min(minutes * 5 ** max(attempts - 1, 0), 360))


def current_chain() -> tuple[int, ...]:
    return _chain.get()


def applies_to(rule: Rule, record) -> bool:
    """A rule acts on what its creator may see: a manager's rule on their team's records only."""
    creator = rule.created_by
    model = type(record)
    manager = getattr(model, "all_objects", model.objects)
    if not hasattr(manager, "visible_to"):
        return permissions.can_act_on_unowned_records(creator)
    return manager.visible_to(creator).filter(pk=record.pk).exists()


def fire(trigger: str, record, *, fired_at: dt.datetime | None = None) -> list[RuleRun]:
    """Fire every enabled rule of ``trigger`` on ``record`` whose conditions hold."""
    record_type = catalog.record_type_of(type(record))
    if record_type is None:
        return []
    rules = Rule.objects.filter(enabled=True, trigger=trigger, record_type=record_type).select_related(
        "created_by"
    )
    return [run for rule in rules if (run := fire_rule(rule, record, fired_at=fired_at)) is not None]


def fire_rule(rule: Rule, record, *, fired_at: dt.datetime | None = None, key: str = "") -> RuleRun | None:
    record_type = rule.record_type
    if getattr(record, "deleted_at", None) is not None or not applies_to(rule, record):
        return None
    if not conditions.all_hold(record, record_type, rule.conditions):
        return None
    chain = current_chain()
    now = timezone.now()
    values = {
        "rule": rule,
        "record_type": record_type,
        "record_id": record.pk,
        "trigger": rule.trigger,
        "fired_at": fired_at or now,
        "actions": rule.actions,
        "chain": [*chain, rule.pk],
        "key": key[:200],
    }
    if rule.pk in chain or len(chain) >= max_depth():
        return RuleRun.objects.create(**values, status=RunStatus.STOPPED, error=LOOP, finished_at=now)
    try:
        with transaction.atomic():
            run = RuleRun.objects.create(**values)
    except IntegrityError:
        return None  # this rule already fired for this key (a scheduled trigger seen again)
    from peyvand.automation.tasks import run_rule

    transaction.on_commit(lambda: run_rule.enqueue(run_id=run.pk))
    return run


def _claim(run_id: int) -> bool:
    return (
        RuleRun.objects.filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RETRYING]).update(
            status=RunStatus.RUNNING,
            attempts=F("attempts") + 1,
            started_at=timezone.now(),
            next_attempt_at=None,
        )
        == 1
    )


def execute(run_id: int) -> RuleRun | None:
    """Perform the actions of one run that have not succeeded yet; idempotent per action."""
    if not _claim(run_id):
        return None
    run = RuleRun.objects.select_related("rule", "rule__created_by").get(pk=run_id)
    model = catalog.model_for(run.record_type)
    manager = getattr(model, "all_objects", None) or (model.objects if model else None)
    record = manager.filter(pk=run.record_id).first() if manager is not None else None
    if record is None or getattr(record, "deleted_at", None) is not None:
        run.status, run.error, run.finished_at = RunStatus.SKIPPED, "record deleted", timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        return run
    results = list(run.results) + [None] * (len(run.actions) - len(run.results))
    token = _chain.set(tuple(run.chain))
    try:
        for index, action in enumerate(run.actions):
            if results[index] and results[index].get("status") == "ok":
                continue  # done on an earlier attempt: never twice
            record = manager.filter(pk=run.record_id).first()  # earlier actions may have changed it
            try:
                with transaction.atomic():
                    detail = perform(
                        action,
                        rule=run.rule,
                        run=run,
                        record=record,
                        record_type=run.record_type,
                        index=index,
                    )
                    results[index] = {"type": action.get("type"), "status": "ok", "detail": detail}
                    RuleRun.objects.filter(pk=run.pk).update(results=results)
            except Exception as exc:
                log.info("automation rule %s action %s failed", run.rule_id, index, exc_info=True)
                results[index] = {"type": action.get("type"), "status": "failed", "error": _describe(exc)}
                if isinstance(exc, WebhookRefused):
                    results[index]["permanent"] = True  # waiting never makes a refused address callable
    finally:
        _chain.reset(token)
    _finish(run, results)
    return run


def _describe(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc)
    errors = getattr(exc, "errors", None)
    if errors:
        message = f"{message} " + "; ".join(f"{e.get('field')}: {e.get('message')}" for e in errors)
    return f"{type(exc).__name__}: {message}"[:1000]


def _finish(run: RuleRun, results: list) -> None:
    run.refresh_from_db(fields=["attempts"])
    failed = [r for r in results if not r or r.get("status") != "ok"]
    now = timezone.now()
    run.results = results
    if not failed:
        run.status, run.error, run.finished_at = RunStatus.OK, "", now
    else:
        run.error = "; ".join(r["error"] for r in failed if r)[:2000]
        if run.attempts < max_attempts() and not any(r and r.get("permanent") for r in failed):
            run.status, run.next_attempt_at = RunStatus.RETRYING, now + backoff(run.attempts)
        else:
            run.status, run.finished_at = RunStatus.FAILED, now
    run.save(update_fields=["results", "status", "error", "finished_at", "next_attempt_at"])
    if run.status == RunStatus.FAILED:
        _report(run)


def _report(run: RuleRun) -> None:
    from peyvand.notifications.services import notify

    notify(
        recipients=[run.rule.created_by],
        kind="automation_failed",
        title=FAILURE_TITLE,
        body=FAILURE_BODY,
        params={
            "rule": run.rule.name,
            "record": f"{run.record_type} #{run.record_id}",
            "attempts": run.attempts,
            "error": run.error[:500],
        },
        url=f"/automation/{run.rule_id}/",
        key=f"automation-failed:{run.pk}",
    )


def retry_due(now: dt.datetime) -> int:
    """Enqueue runs whose retry time has come, and runs a lost worker left behind; returns how many."""
    from peyvand.automation.tasks import run_rule

    stale = now - dt.timedelta(minutes=30)
    RuleRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=stale).update(
        status=RunStatus.RETRYING, next_attempt_at=now
    )
    due = list(
        RuleRun.objects.filter(status=RunStatus.RETRYING, next_attempt_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    lost = list(
        RuleRun.objects.filter(
            status=RunStatus.QUEUED, created_at__lt=now - dt.timedelta(minutes=10)
        ).values_list("pk", flat=True)
    )
    for pk in [*due, *lost]:
        run_rule.enqueue(run_id=pk)
    return len(due) + len(lost)
