"""The ``peyvand`` console command: Peyvand's own commands (serve, demo, createuser, token) and Django's."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peyvand.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["peyvand", *sys.argv[1:]])


if __name__ == "__main__":
    main()
