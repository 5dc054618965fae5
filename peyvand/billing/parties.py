"""The seller and the buyer as a document prints them: the legal fields an Iranian invoice carries.

One shape for both (``PARTY_FIELDS``), read from ``BillingSettings`` for the seller and from the customer's
``BillingProfile`` for the buyer. An issued invoice keeps these dicts in ``Invoice.seller``/``buyer`` so it prints
tomorrow what it printed the day it was issued; quotes and drafts read them afresh.
"""

from typing import Any

from peyvand.billing.models import BillingProfile, BillingSettings

PARTY_FIELDS = (
    "name",
    "national_id",
    "economic_code",
    "registration_number",
    "postal_code",
    "address",
    "phone",
)
# Other names a stored snapshot may use for the same field.
_ALIASES = {"legal_name": "name", "seller_name": "name"}


def seller_party(settings: BillingSettings | None = None) -> dict[str, str]:
    settings = settings or BillingSettings.current()
    return {name: str(getattr(settings, f"seller_{name}", "") or "") for name in PARTY_FIELDS}


def profile_of(customer) -> BillingProfile | None:
    if customer is None:
        return None
    try:
        return customer.billing_profile
    except BillingProfile.DoesNotExist:
        return None


def buyer_party(customer) -> dict[str, str]:
    """The customer's legal fields; its own name and first phone where its billing profile leaves them out."""
    party = dict.fromkeys(PARTY_FIELDS, "")
    if customer is None:
        return party
    profile = profile_of(customer)
    if profile is not None:
        party.update({name: str(getattr(profile, name, "") or "") for name in PARTY_FIELDS if name != "name"})
        party["name"] = profile.legal_name
    party["name"] = party["name"] or str(customer)
    phones = getattr(customer, "phones", None) or []
    party["phone"] = party["phone"] or (str(phones[0]) if phones else "")
    return party


def from_snapshot(snapshot: dict[str, Any] | None) -> dict[str, str]:
    """A stored seller/buyer dict in the one shape (unknown keys dropped, missing ones empty)."""
    party = dict.fromkeys(PARTY_FIELDS, "")
    for key, value in (snapshot or {}).items():
        name = _ALIASES.get(key, key.removeprefix("seller_"))
        if name in party and value not in (None, ""):
            party[name] = str(value)
    return party
