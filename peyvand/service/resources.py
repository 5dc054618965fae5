"""The service desk's record types, registered in core's registry from ``ServiceConfig.ready()``."""


def register() -> None:
    """Tickets and knowledge-base articles register here once their resources and screens exist."""
    __import__("peyvand.service.resources_kb", fromlist=["register"]).register()
