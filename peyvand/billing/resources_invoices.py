"""Billing's invoices record types and settings sections."""


def register() -> None:
    """Nothing registered yet."""
