"""``peyvand demo``: fill an empty database with a believable Persian business and say how to sign in."""

import os
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from peyvand.accounts.models import User
from peyvand.contacts.models import Company
from peyvand.demo.business import DEMO_PASSWORD, DemoSizes, build_demo, demo_blockers


def serve_url() -> str:
    """Where ``peyvand serve`` will answer: the same host and port settings it reads (``make run`` passes its HOST
    and PORT), so the address printed is the one that works."""
    host = os.environ.get("PEYVAND_HOST", "127.0.0.1")
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{os.environ.get('PEYVAND_PORT', '8000')}"


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    @property
    def help(self) -> str:  # a property, so it is translated when shown rather than at import
        return _(
            "Fill an empty database with demo data: teams, users, companies, contacts, leads, deals, "
            "activities."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = DemoSizes()
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Do nothing (and say so) when the database already has companies."),
        )
        parser.add_argument(
            "--seed", type=int, default=1404, help=_("Seed of the random generator (default %(default)s).")
        )
        for name in ("companies", "contacts", "leads", "deals", "activities"):
            parser.add_argument(
                f"--{name}",
                type=_count,
                default=getattr(defaults, name),
                help=_("How many %(what)s to create (default %(count)d).")
                % {"what": name, "count": getattr(defaults, name)},
            )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and Company.all_objects.exists():
            self.stdout.write(_("The database already has companies; no demo data was added."))
            if User.objects.filter(username="admin").exists():
                self.stdout.write(
                    _(
                        "Sign in at %(url)s as admin (the demo password is %(password)s unless it was changed)."
                    )
                    % {"url": serve_url(), "password": DEMO_PASSWORD}
                )
            return
        problems = demo_blockers()
        if problems:
            raise CommandError(" ".join(problems))
        sizes = DemoSizes(
            companies=options["companies"],
            contacts=options["contacts"],
            leads=options["leads"],
            deals=options["deals"],
            activities=options["activities"],
        )
        started = time.monotonic()
        result = build_demo(seed=options["seed"], sizes=sizes)
        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Demo data is ready: %(companies)d companies, %(contacts)d contacts, %(leads)d leads, "
                    "%(deals)d deals (%(stage_moves)d stage moves), %(activities)d activities, in %(seconds).1f s."
                )
                % {**counts, "seconds": time.monotonic() - started}
            )
        )
        if result.billing:
            self.stdout.write(
                _(
                    "Billing: %(products)d products, %(lined_deals)d deals with product lines, %(quotes)d quotes, "
                    "%(invoices)d invoices, %(payments)d payments."
                )
                % result.billing
            )
        if result.service:
            self.stdout.write(
                _("Service desk: %(tickets)d tickets with %(messages)d messages, %(articles)d help articles.")
                % result.service
            )
        self.stdout.write(
            _("Open %(url)s and sign in with one of these (all share the password %(password)s):")
            % {"url": serve_url(), "password": result.password}
        )
        for label, username in (
            (_("administrator"), result.admin),
            (_("sales manager"), result.manager),
            (_("sales rep"), result.rep),
            (_("support manager"), result.support),
        ):
            self.stdout.write(
                _("  %(role)s: username %(username)s, password %(password)s")
                % {"role": label, "username": username, "password": result.password}
            )
        if result.web_form_key:
            self.stdout.write(
                _("A demo web form for leads: %(url)s/f/%(key)s/")
                % {"url": serve_url(), "key": result.web_form_key}
            )
