"""Action rights on service contracts, warranties and service plans. Seeing one is a queryset (the ticket's rule:
``TicketQuerySet.visible_to``); these say who may do what with those they see.

Anyone on the staff may record a contract or a warranty for a customer they may use (sales sells contracts, the
service desk keeps them) and change those they see; logging work against a contract is work on a ticket, so it
is for those who work the queue.
"""

CONTRACT_FORBIDDEN = "contract.forbidden"
USAGE_FORBIDDEN = "contract.usage_forbidden"
NOT_COVERING = "contract.not_covering"


def _staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_keep_contracts(user) -> bool:
    """Record and change contracts, covered items, warranties and service plans: anyone on the staff."""
    return _staff(user)


def can_log_contract_work(user) -> bool:
    """Log hours or a visit against a contract from a ticket: those who work the queue."""
    from peyvand.service.permissions import can_work_tickets

    return can_work_tickets(user)
