from pydantic import Field

from peyvand.core.schemas import OwnedIn, OwnedOut, PatchBase


class VehicleIn(OwnedIn):
    # Examples document a valid body; tests that walk every operation's body take it from here.
    name: str = Field(min_length=1, max_length=100, examples=["Delivery van"])
    plate: str = Field("", max_length=20)
    note: str = Field("", max_length=5000)


class VehiclePatch(PatchBase):
    name: str | None = Field(None, min_length=1, max_length=100)
    plate: str | None = Field(None, max_length=20)
    note: str | None = Field(None, max_length=5000)


class VehicleOut(OwnedOut):
    name: str
    plate: str
    note: str
