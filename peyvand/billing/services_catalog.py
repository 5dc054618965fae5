"""Writes of the catalogue and billing's settings: products (a record type, over ``core.records``), categories, tax
classes and their rates, customer tiers, price lists with their items, the billing settings and a customer's
billing profile.

The catalogue is shared by every team: its keepers (``permissions.can_manage_catalog``) change it; the seller's
details are the administrators' (``can_change_billing_settings``). Every write is one transaction with its audit
row; bad input is a field error naming the field (or the row of a price list's items).
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.utils.translation import gettext as _

from peyvand.billing import permissions
from peyvand.billing.models import (
    BillingProfile,
    BillingSettings,
    CustomerTier,
    PriceList,
    PriceListItem,
    Product,
    ProductCategory,
    TaxClass,
    TaxRate,
)
from peyvand.core.audit import diff, plain_value, save_audited, write_audit
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.models import AuditAction
from peyvand.core.records import create_record, field_error, update_record
from peyvand.core.text import clean_display_text, to_ascii_digits

M = TypeVar("M", bound=models.Model)

MAX_ITEMS = 5000  # items of one price list saved at once
CURRENCY = re.compile(r"^[A-Z]{3}$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_MAX_BYTES = 512 * 1024
LOGO_TYPES = {
    "image/png": b"\x89PNG",
    "image/jpeg": b"\xff\xd8\xff",
    "image/gif": b"GIF8",
    "image/webp": b"RIFF",
}


# ── rights ──────────────────────────────────────────────────────────────────────────────────────────────────────


def require_catalog(actor) -> None:
    if not permissions.can_manage_catalog(actor):
        raise PeyvandError(
            permissions.CATALOG_FORBIDDEN,
            _("Only sales managers and administrators change the catalogue."),
            status=403,
        )


def require_settings(actor) -> None:
    if not permissions.can_change_billing_settings(actor):
        raise PeyvandError(
            permissions.SETTINGS_FORBIDDEN, _("Only administrators change billing settings."), status=403
        )


# ── small readers ───────────────────────────────────────────────────────────────────────────────────────────────


def _row_values(instance: models.Model) -> dict[str, Any]:
    """A settings row's own fields as the audit trail keeps them (these rows have no ``audited_fields``)."""
    return {
        f.name: plain_value(f, getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
        if not f.primary_key
    }


def _save(instance: M, *, actor, before: dict[str, Any]) -> M:
    # Settings rows' values do not change on save (no automatic fields), so what changed is known before it.
    return save_audited(
        instance,
        actor=actor,
        before=before,
        creating=instance.pk is None,
        changes=diff(before, _row_values(instance)),
    )


def _text(values: dict[str, Any], name: str, limit: int, *, required: bool = False) -> str:
    text = clean_display_text(str(values.get(name) or ""))
    if required and not text:
        raise field_error(name, _("This field is required."))
    if len(text) > limit:
        raise field_error(name, _("Write at most %(n)s characters.") % {"n": limit})
    return text


def _decimal(
    value: Any, field: str, *, low: Decimal, high: Decimal | None = None, places: int = 3
) -> Decimal:
    try:
        number = Decimal(to_ascii_digits(str(value)).replace("٫", ".").replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise field_error(field, _("Enter a number.")) from None
    if not number.is_finite() or number < low or (high is not None and number > high):
        if high is None:
            raise field_error(field, _("Enter a number not below %(low)s.") % {"low": low})
        raise field_error(field, _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high})
    if number != number.quantize(Decimal(10) ** -places):
        raise field_error(field, _("Use at most %(n)s decimal places.") % {"n": places})
    return number


def _percent(value: Any, field: str) -> Decimal:
    return _decimal(value, field, low=Decimal("0"), high=Decimal("100"))


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(to_ascii_digits(str(value)).strip())
    except ValueError:
        raise field_error(field, _("Enter a date such as 2025-11-25.")) from None


def _days(value: Any, field: str, *, high: int = 3650) -> int:
    try:
        number = int(to_ascii_digits(str(value)).strip())
    except (TypeError, ValueError):
        raise field_error(field, _("Enter a whole number of days.")) from None
    if not 0 <= number <= high:
        raise field_error(field, _("Enter a whole number from 0 to %(max)s.") % {"max": high})
    return number


def _pick(model: type[models.Model], value: Any, field: str):
    """A row of a catalogue table by instance or id, or a field error."""
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    try:
        return model._default_manager.get(pk=int(to_ascii_digits(str(value))))
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise field_error(field, _("No such record, or you may not use it.")) from None


# ── legal fields ────────────────────────────────────────────────────────────────────────────────────────────────


def _digits(value: Any) -> str:
    return re.sub(r"[\s\-]", "", to_ascii_digits(str(value or "")))


def _person_code_valid(code: str) -> bool:
    """A person's national code (کد ملی): ten digits, the last a check digit of the other nine."""
    if len(set(code)) == 1:
        return False
    total = sum(int(code[i]) * (10 - i) for i in range(9)) % 11
    check = int(code[9])
    return check == total if total < 2 else check == 11 - total


def _company_id_valid(code: str) -> bool:
    """A legal entity's national id (شناسه ملی): eleven digits, the last a check digit weighted by the tenth."""
    step = int(code[9]) + 2
    weights = (29, 27, 23, 19, 17, 29, 27, 23, 19, 17)
    total = sum((int(code[i]) + step) * weights[i] for i in range(10)) % 11
    return int(code[10]) == (0 if total == 10 else total)


def national_id(value: Any, field: str = "national_id") -> str:
    """A national code of a person (10 digits) or national id of a company (11 digits); Persian digits welcome."""
    code = _digits(value)
    if not code:
        return ""
    valid = code.isdigit() and (
        (len(code) == 10 and _person_code_valid(code)) or (len(code) == 11 and _company_id_valid(code))
    )
    if not valid:
        raise field_error(
            field,
            _(
                "This is not a valid national code (a person's, 10 digits) or national id (a company's, 11 "
                "digits): check the digits; the last one is a check digit."
            ),
        )
    return code


def economic_code(value: Any, field: str = "economic_code") -> str:
    """An economic code: 12 digits (the old codes), or the 10- or 11-digit national code/id, or 14 digits."""
    code = _digits(value)
    if code and not (code.isdigit() and len(code) in (10, 11, 12, 14)):
        raise field_error(field, _("Enter an economic code of 10, 11, 12 or 14 digits."))
    return code


def postal_code(value: Any, field: str = "postal_code") -> str:
    code = _digits(value)
    if code and not (code.isdigit() and len(code) == 10 and code[0] != "0"):
        raise field_error(field, _("Enter a postal code of 10 digits."))
    return code


def registration_number(value: Any, field: str = "registration_number") -> str:
    code = _digits(value)
    if code and not (code.isdigit() and len(code) <= 20):
        raise field_error(field, _("Enter the registration number in digits."))
    return code


# ── products ────────────────────────────────────────────────────────────────────────────────────────────────────


def _product_values(values: dict[str, Any], product: Product | None) -> dict[str, Any]:
    values = dict(values)
    if "code" in values:
        code = clean_display_text(to_ascii_digits(str(values["code"] or "")))
        if not code:
            raise field_error("code", _("This field is required."))
        taken = Product.all_objects.filter(code=code)
        if product is not None:
            taken = taken.exclude(pk=product.pk)
        if taken.exists():
            raise field_error("code", _("Another product already has this code."))
        values["code"] = code
    if "category" in values:
        values["category"] = _pick(ProductCategory, values["category"], "category")
    if "tax_class" in values:
        values["tax_class"] = _pick(TaxClass, values["tax_class"], "tax_class")
    if "currency" in values:
        currency = str(values["currency"] or "").strip().upper()
        if not CURRENCY.match(currency):
            raise field_error("currency", _("Write a three-letter currency code."))
        values["currency"] = currency
    if values.get("price") is not None:
        values["price"] = _decimal(values["price"], "price", low=Decimal("0"), places=2)
    elif "price" in values:
        values["price"] = Decimal("0")
    return values


@transaction.atomic
def create_product(*, actor, values: dict[str, Any]) -> Product:
    require_catalog(actor)
    return create_record(Product, actor=actor, values=_product_values(values, None))


@transaction.atomic
def update_product(*, actor, product: Product, version: int | None, values: dict[str, Any]) -> Product:
    require_catalog(actor)
    return update_record(product, actor=actor, version=version, values=_product_values(values, product))


def can_delete_product(user, product=None) -> bool:
    """Deleting a product (the generic delete of every record) is the catalogue keepers' too."""
    return permissions.can_manage_catalog(user)


# ── categories, tax classes and rates, tiers ───────────────────────────────────────────────────────────────────


@transaction.atomic
def save_category(
    *, actor, category: ProductCategory | None = None, values: dict[str, Any]
) -> ProductCategory:
    require_catalog(actor)
    category = category or ProductCategory()
    before = _row_values(category) if category.pk else {}
    name = _text(values, "name", 100, required=True)
    if ProductCategory.objects.exclude(pk=category.pk).filter(name=name).exists():
        raise field_error("name", _("Another category already has this name."))
    category.name = name
    parent = _pick(ProductCategory, values.get("parent"), "parent")
    walk = parent
    while walk is not None:
        if category.pk and walk.pk == category.pk:
            raise field_error("parent", _("A category cannot sit inside itself."))
        walk = walk.parent
    category.parent = parent
    return _save(category, actor=actor, before=before)


@transaction.atomic
def delete_category(*, actor, category: ProductCategory) -> None:
    require_catalog(actor)
    if Product.all_objects.filter(category=category).exists() or category.children.exists():
        raise PeyvandError(
            "billing.category_in_use",
            _("This category still has products or categories inside it."),
            status=409,
        )
    write_audit(instance=category, actor=actor, action=AuditAction.DELETE, changes=_row_values(category))
    category.delete()


@transaction.atomic
def save_tax_class(*, actor, tax_class: TaxClass | None = None, values: dict[str, Any]) -> TaxClass:
    require_catalog(actor)
    tax_class = tax_class or TaxClass()
    before = _row_values(tax_class) if tax_class.pk else {}
    name = _text(values, "name", 100, required=True)
    code = to_ascii_digits(_text(values, "code", 30, required=True)).lower()
    if not re.fullmatch(r"[a-z0-9_-]+", code):
        raise field_error("code", _("Use Latin letters, digits, hyphens and underscores only."))
    if TaxClass.objects.exclude(pk=tax_class.pk).filter(code=code).exists():
        raise field_error("code", _("Another tax class already has this code."))
    tax_class.name, tax_class.code = name, code
    tax_class.exempt = bool(values.get("exempt"))
    return _save(tax_class, actor=actor, before=before)


@transaction.atomic
def save_tax_rate(
    *, actor, tax_class: TaxClass, rate: TaxRate | None = None, values: dict[str, Any]
) -> TaxRate:
    """A levy of the class and the days it applies (the law changes rates: a new rate gets new dates)."""
    require_catalog(actor)
    rate = rate or TaxRate(tax_class=tax_class)
    before = _row_values(rate) if rate.pk else {}
    rate.name = _text(values, "name", 100, required=True)
    rate.percent = _percent(values.get("percent"), "percent")
    rate.valid_from = _date(values.get("valid_from"), "valid_from")  # type: ignore[assignment]
    if rate.valid_from is None:
        raise field_error("valid_from", _("This field is required."))
    rate.valid_until = _date(values.get("valid_until"), "valid_until")
    if rate.valid_until is not None and rate.valid_until < rate.valid_from:
        raise field_error("valid_until", _("The last day cannot be before the first."))
    return _save(rate, actor=actor, before=before)


@transaction.atomic
def delete_tax_rate(*, actor, rate: TaxRate) -> None:
    require_catalog(actor)
    write_audit(instance=rate, actor=actor, action=AuditAction.DELETE, changes=_row_values(rate))
    rate.delete()


@transaction.atomic
def save_tier(*, actor, tier: CustomerTier | None = None, values: dict[str, Any]) -> CustomerTier:
    require_catalog(actor)
    tier = tier or CustomerTier()
    before = _row_values(tier) if tier.pk else {}
    name = _text(values, "name", 60, required=True)
    if CustomerTier.objects.exclude(pk=tier.pk).filter(name=name).exists():
        raise field_error("name", _("Another tier already has this name."))
    tier.name = name
    tier.discount_percent = _percent(values.get("discount_percent") or 0, "discount_percent")
    return _save(tier, actor=actor, before=before)


# ── price lists ─────────────────────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def save_price_list(*, actor, price_list: PriceList | None = None, values: dict[str, Any]) -> PriceList:
    """A price list's own fields; a PATCH leaves out what it does not change."""
    require_catalog(actor)
    creating = price_list is None
    price_list = price_list or PriceList()
    before = {} if creating else _row_values(price_list)
    if creating or "name" in values:
        name = _text(values, "name", 100, required=True)
        if PriceList.objects.exclude(pk=price_list.pk).filter(name=name).exists():
            raise field_error("name", _("Another price list already has this name."))
        price_list.name = name
    if "currency" in values and values["currency"] not in (None, ""):
        currency = str(values["currency"]).strip().upper()
        if not CURRENCY.match(currency):
            raise field_error("currency", _("Write a three-letter currency code."))
        if not creating and currency != price_list.currency and price_list.items.exists():
            raise field_error("currency", _("Empty the list before changing its currency."))
        price_list.currency = currency
    if "tier" in values:
        price_list.tier = _pick(CustomerTier, values["tier"], "tier")
    if "channel" in values:
        price_list.channel = _text(values, "channel", 40)
    for name in ("valid_from", "valid_until"):
        if name in values:
            setattr(price_list, name, _date(values[name], name))
    if price_list.valid_from and price_list.valid_until and price_list.valid_until < price_list.valid_from:
        raise field_error("valid_until", _("The last day cannot be before the first."))
    if values.get("priority") is not None:
        try:
            priority = int(to_ascii_digits(str(values["priority"])))
        except ValueError:
            raise field_error("priority", _("Enter a whole number.")) from None
        if not -1000 <= priority <= 1000:
            raise field_error(
                "priority", _("Enter a whole number from %(low)s to %(high)s.") % {"low": -1000, "high": 1000}
            )
        price_list.priority = priority
    if values.get("active") is not None:
        price_list.active = bool(values["active"])
    return _save(price_list, actor=actor, before=before)


def _items_snapshot(price_list: PriceList) -> list[list[str]]:
    return [
        [str(product_id), str(quantity), str(price)]
        for product_id, quantity, price in price_list.items.order_by(
            "product_id", "min_quantity"
        ).values_list("product_id", "min_quantity", "price")
    ]


@transaction.atomic
def save_price_list_items(
    *, actor, price_list: PriceList, items: list[dict[str, Any]]
) -> list[PriceListItem]:
    """Replace the list's items with ``items`` (each: ``product``, ``min_quantity``, ``price``). A bad row is
    refused with its number (``items.<n>.<field>``, counting from 1) and nothing is written."""
    require_catalog(actor)
    PriceList.objects.select_for_update().get(pk=price_list.pk)
    if len(items) > MAX_ITEMS:
        raise field_error("items", _("A price list holds at most %(n)s prices.") % {"n": MAX_ITEMS})
    products = {p.pk: p for p in Product.objects.filter(pk__in=[_pk(i.get("product")) for i in items])}
    rows, seen, errors = [], set(), []
    for number, item in enumerate(items, start=1):
        try:
            product = products.get(_pk(item.get("product")))
            if product is None:
                raise field_error("product", _("No such product."))
            quantity = _decimal(item.get("min_quantity") or 1, "min_quantity", low=Decimal("0.001"))
            price = _decimal(item.get("price"), "price", low=Decimal("0"), places=2)
            if (product.pk, quantity) in seen:
                raise field_error("min_quantity", _("This product already has a price from this quantity."))
        except ValidationFailed as exc:
            errors += [{"field": f"items.{number}.{e['field']}", "message": e["message"]} for e in exc.errors]
            continue
        seen.add((product.pk, quantity))
        rows.append(PriceListItem(price_list=price_list, product=product, min_quantity=quantity, price=price))
    if errors:
        raise ValidationFailed(errors)
    before = _items_snapshot(price_list)
    price_list.items.all().delete()
    PriceListItem.objects.bulk_create(rows)
    after = _items_snapshot(price_list)
    if before != after:
        write_audit(
            instance=price_list, actor=actor, action=AuditAction.UPDATE, changes={"items": [before, after]}
        )
    return list(price_list.items.select_related("product"))


def _pk(value: Any) -> int | None:
    if isinstance(value, models.Model):
        return value.pk
    try:
        return int(to_ascii_digits(str(value)))
    except (TypeError, ValueError):
        return None


# ── billing settings and profiles ───────────────────────────────────────────────────────────────────────────────

SETTINGS_TEXTS = {
    "seller_name": 200,
    "seller_address": 1000,
    "seller_phone": 32,
    "invoice_prefix": 10,
    "credit_note_prefix": 10,
    "quote_prefix": 10,
    "quote_terms": 5000,
    "invoice_terms": 5000,
    "footer": 1000,
}
SETTINGS_DAYS = (
    "payment_terms_days",
    "quote_valid_days",
    "remind_days_before_due",
    "remind_days_after_due",
)


def check_logo(upload) -> None:
    """An image (PNG, JPEG, GIF or WebP, by its first bytes, not its name) of at most 512 KB."""
    if upload.size > LOGO_MAX_BYTES:
        raise field_error("logo", _("The logo may be at most 512 KB."))
    head = upload.read(12)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in LOGO_TYPES.values()) or (
        head.startswith(b"RIFF") and head[8:12] != b"WEBP"
    ):
        raise field_error("logo", _("The logo must be a PNG, JPEG, GIF or WebP image."))


@transaction.atomic
def save_billing_settings(
    *, actor, values: dict[str, Any], logo=None, remove_logo: bool = False
) -> BillingSettings:
    require_settings(actor)
    current = BillingSettings.current()
    current = BillingSettings.objects.select_for_update().get(pk=current.pk)
    before = _row_values(current)
    for name, limit in SETTINGS_TEXTS.items():
        if name in values:
            setattr(current, name, _text(values, name, limit))
    for name in ("invoice_prefix", "credit_note_prefix", "quote_prefix"):
        if name in values and not re.fullmatch(r"[A-Za-z0-9\-/]*", getattr(current, name)):
            raise field_error(name, _("Use Latin letters, digits, hyphens and slashes only."))
    if "seller_national_id" in values:
        current.seller_national_id = national_id(values["seller_national_id"], "seller_national_id")
    if "seller_economic_code" in values:
        current.seller_economic_code = economic_code(values["seller_economic_code"], "seller_economic_code")
    if "seller_registration_number" in values:
        current.seller_registration_number = registration_number(
            values["seller_registration_number"], "seller_registration_number"
        )
    if "seller_postal_code" in values:
        current.seller_postal_code = postal_code(values["seller_postal_code"], "seller_postal_code")
    if "fiscal_calendar" in values:
        if values["fiscal_calendar"] not in ("jalali", "gregorian"):
            raise field_error("fiscal_calendar", _("Choose the Jalali or the Gregorian year."))
        current.fiscal_calendar = values["fiscal_calendar"]
    if "revenue_source" in values:
        if values["revenue_source"] not in ("deals", "invoices"):
            raise field_error("revenue_source", _("Choose won deals or invoices."))
        current.revenue_source = values["revenue_source"]
    for name in SETTINGS_DAYS:
        if name in values:
            setattr(current, name, _days(values[name], name))
    if "remind_customers" in values:
        current.remind_customers = values["remind_customers"] in (True, "true", "on", "1", 1)
    for name in ("rep_discount_ceiling", "manager_discount_ceiling"):
        if name in values:
            setattr(current, name, _percent(values[name], name))
    if current.rep_discount_ceiling > current.manager_discount_ceiling:
        raise field_error("rep_discount_ceiling", _("A rep's ceiling cannot be above a manager's."))
    if "brand_colour" in values:
        colour = to_ascii_digits(str(values["brand_colour"] or "")).strip()
        if not COLOUR.match(colour):
            raise field_error("brand_colour", _("Enter a colour such as #0f766e."))
        current.brand_colour = colour.lower()
    if logo is not None:
        check_logo(logo)
        current.logo.save(logo.name.rsplit("/", 1)[-1][-80:] or "logo", logo, save=False)
    elif remove_logo and current.logo:
        current.logo.delete(save=False)
    return _save(current, actor=actor, before=before)


PROFILE_TEXTS = {"legal_name": 200, "address": 1000, "phone": 32}


@transaction.atomic
def save_billing_profile(*, actor, customer, values: dict[str, Any]) -> BillingProfile:
    """The billing profile of a company or contact the actor can see (the caller fetched it through the
    customer's ``visible_to``). Tier and price list are pricing decisions: only the catalogue's keepers set
    them; the legal fields, terms and exemption are for anyone who sees the customer."""
    field = "company" if customer._meta.model_name == "company" else "contact"
    profile, _created = BillingProfile.objects.select_for_update().get_or_create(**{field: customer})
    before = _row_values(profile)
    for name, limit in PROFILE_TEXTS.items():
        if name in values:
            setattr(profile, name, _text(values, name, limit))
    if "national_id" in values:
        profile.national_id = national_id(values["national_id"])
    if "economic_code" in values:
        profile.economic_code = economic_code(values["economic_code"])
    if "registration_number" in values:
        profile.registration_number = registration_number(values["registration_number"])
    if "postal_code" in values:
        profile.postal_code = postal_code(values["postal_code"])
    if "payment_terms_days" in values:
        raw = values["payment_terms_days"]
        profile.payment_terms_days = None if raw in (None, "") else _days(raw, "payment_terms_days")
    if "tax_exempt" in values:
        profile.tax_exempt = bool(values["tax_exempt"])
    for name, model in (("tier", CustomerTier), ("price_list", PriceList)):
        if name in values:
            chosen = _pick(model, values[name], name)
            if getattr(profile, f"{name}_id") != (chosen.pk if chosen else None):
                if not permissions.can_manage_catalog(actor):
                    raise field_error(name, _("Only sales managers and administrators choose this."))
                setattr(profile, name, chosen)
    _save(profile, actor=actor, before=before)
    # The customer's own audit trail says its billing profile changed, so it shows on its timeline.
    changes = diff(before, _row_values(profile))
    if changes:
        write_audit(
            instance=customer,
            actor=actor,
            action=AuditAction.UPDATE,
            changes={f"billing_profile.{k}": v for k, v in changes.items()},  # labelled as the profile's
            note=_("Billing profile"),
        )
    return profile
