"""API schemas of the knowledge base: articles, their revisions and the search's answer."""

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from peyvand.core.schemas import Int, OwnedIn, OwnedOut, PatchBase

Kind = Literal["faq", "how_to", "troubleshooting"]
Audience = Literal["internal", "public"]
Language = Literal["fa", "en"]


class ArticleIn(OwnedIn):
    title: str = Field(min_length=1, max_length=200, examples=["تغییر رمز عبور"])
    body: str = Field(
        min_length=1,
        max_length=100_000,
        examples=["از منوی حساب کاربری، «تغییر رمز عبور» را بزنید.\nرمز تازه را دو بار بنویسید."],
        description="Plain text; line breaks are kept.",
    )
    kind: Kind = "faq"
    audience: Audience = "internal"
    language: Language = "fa"
    category: Int | None = None


class ArticlePatch(PatchBase):
    title: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = Field(None, min_length=1, max_length=100_000)
    kind: Kind | None = None
    audience: Audience | None = None
    language: Language | None = None
    category: Int | None = None


class ArticleOut(OwnedOut):
    title: str
    body: str
    kind: str
    audience: str
    status: str
    language: str
    category_id: int | None
    category_name: str | None = None
    helpful_yes: int
    helpful_no: int

    @staticmethod
    def resolve_category_name(obj) -> str | None:
        return obj.category.name if obj.category_id else None


class ArticleRevisionOut(Schema):
    number: int
    title: str
    body: str
    author: str | None = None
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj) -> str | None:
        return obj.author.username if obj.author_id else None


class ArticleHitOut(Schema):
    id: int
    title: str
    kind: str
    audience: str
    status: str
    language: str
    category_name: str | None = None
    title_match: bool

    @staticmethod
    def resolve_category_name(obj) -> str | None:
        return obj.category.name if obj.category_id else None

    @staticmethod
    def resolve_title_match(obj) -> bool:
        return bool(getattr(obj, "title_hits", 0))
