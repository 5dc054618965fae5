"""Factories for tests: real rows in the real database, built through the same services where rules matter."""

import factory
from factory.django import DjangoModelFactory

from peyvand.accounts.models import Role, Team, User
from peyvand.sales.models import Pipeline, Stage, StageKind


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.SALES_REP
    team = factory.SubFactory(TeamFactory)
    password = factory.PostGenerationMethodCall("set_password", "pass-1234-word")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_pipeline(
    name="Sales",
    stages=(
        ("Lead in", 10, "open"),
        ("Qualified", 30, "open"),
        ("Proposal", 60, "open"),
        ("Won", 100, "won"),
        ("Lost", 0, "lost"),
    ),
    is_default=True,
    team=None,
) -> Pipeline:
    pipeline = Pipeline.objects.create(name=name, is_default=is_default, team=team)
    for order, (stage_name, probability, kind) in enumerate(stages):
        Stage.objects.create(
            pipeline=pipeline, name=stage_name, order=order, probability=probability, kind=StageKind(kind)
        )
    return pipeline
