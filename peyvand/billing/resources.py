"""Billing's record types as the rest of Peyvand sees them. Each part of billing registers its own types from its
``resources_*`` module: the catalogue (products), quotes, and invoices with payments."""


def register() -> None:
    from peyvand.billing import resources_catalog, resources_invoices, resources_quotes

    resources_catalog.register()
    resources_quotes.register()
    resources_invoices.register()
