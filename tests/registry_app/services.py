from typing import Any

from peyvand.core.records import create_record, update_record
from tests.registry_app.models import Vehicle


def create_vehicle(*, actor, values: dict[str, Any]) -> Vehicle:
    return create_record(Vehicle, actor=actor, values=values)


def update_vehicle(*, actor, vehicle: Vehicle, version: int | None, values: dict[str, Any]) -> Vehicle:
    return update_record(vehicle, actor=actor, version=version, values=values)
