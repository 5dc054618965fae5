"""The service desk's record types, registered in core's registry from ``ServiceConfig.ready()``."""


def register() -> None:
    from peyvand.service import resources_contracts, resources_kb, resources_tickets

    resources_tickets.register()
    resources_kb.register()
    resources_contracts.register()
