"""The API's shapes of tickets, their messages and the queue's counts."""

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from peyvand.core.schemas import InputSchema, Int, OwnedIn, OwnedOut, PatchBase
from peyvand.service.models import TicketChannel, TicketPriority, TicketStatus, TicketType

TicketTypeName = Literal[tuple(TicketType.values)]  # type: ignore[valid-type]
PriorityName = Literal[tuple(TicketPriority.values)]  # type: ignore[valid-type]
StatusName = Literal[tuple(TicketStatus.values)]  # type: ignore[valid-type]
ChannelName = Literal[tuple(TicketChannel.values)]  # type: ignore[valid-type]
LanguageName = Literal["fa", "en"]


class TicketIn(OwnedIn):
    subject: str = Field(min_length=1, max_length=200, examples=["The printer does not print"])
    description: str = Field("", max_length=50_000)
    contact: Int | None = Field(None, description="The customer (a contact you may see).")
    company: Int | None = Field(None, description="The customer's company; the contact's when empty.")
    deal: Int | None = Field(None, description="A deal the ticket is about.")
    product: Int | None = None
    serial_number: str = Field("", max_length=100)
    type: TicketTypeName = "question"
    priority: PriorityName = "normal"
    category: Int | None = None
    channel: ChannelName | None = Field(None, description="Where it came from; empty: agent.")
    language: LanguageName = "fa"
    customer_email: str = Field(
        "", max_length=254, description="Where replies are e-mailed.", examples=["customer@example.com"]
    )
    team: Int | None = Field(None, description="The queue (a team); empty: the owner's team.")


class TicketPatch(PatchBase):
    subject: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=50_000)
    contact: Int | None = None
    company: Int | None = None
    deal: Int | None = None
    product: Int | None = None
    serial_number: str | None = Field(None, max_length=100)
    type: TicketTypeName | None = None
    priority: PriorityName | None = None
    category: Int | None = None
    language: LanguageName | None = None
    customer_email: str | None = Field(None, max_length=254)
    team: Int | None = None


class TicketOut(OwnedOut):
    reference: str
    subject: str
    description: str
    contact_id: int | None
    company_id: int | None
    deal_id: int | None
    product_id: int | None
    serial_number: str
    type: str
    priority: str
    category_id: int | None
    status: str
    channel: str
    language: str
    customer_email: str
    sla_state: str
    first_response_due: dt.datetime | None
    next_response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    first_responded_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    agent_replies: int
    reopen_count: int
    merged_into_id: int | None
    split_from_id: int | None


class TicketMessageOut(Schema):
    id: int
    kind: str = Field(
        description="customer, reply (public, e-mailed) or note (internal, never to the customer)."
    )
    author_id: int | None
    author: str | None
    from_address: str
    to_addresses: list[str]
    subject: str
    body: str
    channel: str
    message_id: str
    in_reply_to: str
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj) -> str | None:
        return obj.author.username if obj.author_id else None


class TicketBodyIn(InputSchema):
    body: str = Field(min_length=1, max_length=50_000, examples=["Thank you, we are on it."])


class TicketStatusIn(InputSchema):
    status: StatusName = Field(examples=["resolved"])
    version: Int = Field(description="The ticket's version you read.", examples=[1])


class TicketMergeIn(InputSchema):
    target: Int = Field(description="The ticket this one is merged into.", examples=[1])


class TicketSplitIn(InputSchema):
    message: Int = Field(description="The message of this ticket that becomes a new ticket.", examples=[1])
    subject: str = Field(min_length=1, max_length=200, examples=["A second question"])


class TicketQueueOut(Schema):
    team_id: int | None
    team: str
    open: int
    total: int
    by_status: dict[str, int]
    by_sla: dict[str, int] = Field(description="Open tickets by SLA state.")
