"""Accounts for the load test: an API token for the administrator, the sales managers and the sales reps of
two teams of the demo data (``peyvand demo``), written to a JSON file the locustfile reads.

    python -m bench.load.prepare ACCOUNTS.json   (with the same PEYVAND_DATA_DIR / DATABASE_URL as the server)
"""

import json
import os
import sys

import django


def main(out: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peyvand.settings")
    django.setup()
    from peyvand.accounts.models import User
    from peyvand.accounts.services import issue_token
    from peyvand.demo.business import DEMO_PASSWORD, TEAMS

    # the reps and managers of the first two teams, and the administrator
    usernames = ["admin"]
    for _name, _city, _sells_to, manager, reps in TEAMS[:2]:
        usernames += [manager[0], *(rep[0] for rep in reps)]
    accounts = []
    for user in User.objects.filter(username__in=usernames).order_by("username"):
        accounts.append(
            {
                "username": user.username,
                "password": DEMO_PASSWORD,
                "role": str(user.role),
                "team": user.team_id,
                "token": issue_token(user=user, name="load test"),
            }
        )
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"accounts": accounts}, handle, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
