"""The service desk's figures (docs/metrics/service.md) and the survey answers the net promoter score reads.

``record_survey_answer`` receives ``events.survey_answered`` (connected in ``AnalyticsConfig.ready``): the
service app sits below analytics and cannot write a ``SurveyResponse`` itself, so it announces the answer inside
its transaction and the row is written here, in the same transaction.
"""

from peyvand.analytics.models import SurveyResponse
from peyvand.core.choices import Channel


def record_survey_answer(
    sender, *, survey, owner, team, contact, score, comment, answered_at, channel, **_kw
):
    """The answer to "how likely are you to recommend us?" as one of the net promoter score's answers, owned by
    the ticket's agent and queue (so the NPS report's team and rep filters find it). No score, no row."""
    if score is None:
        return None
    return SurveyResponse.objects.create(
        owner=owner,
        team=team,
        contact=contact,
        score=score,
        comment=comment,
        answered_at=answered_at,
        channel=channel if channel in Channel.values else Channel.OTHER,
    )
