"""The load test's figures as Markdown for BENCHMARKS.md: one column pair per run (requests, p50 / p95 ms).

python -m bench.load.report var/load/postgres-run/summary.json var/load/sqlite-run/summary.json
"""

import json
import sys


def main(paths: list[str]) -> None:
    runs = [json.load(open(p, encoding="utf-8")) for p in paths]
    for run in runs:
        total = next(k for k in run["kinds"] if k["kind"] == "Aggregated")
        check = run["check"]
        print(
            f"- {run['engine']}: {run['users']} users, {run['load_seconds']} s; database "
            f"{run['database_bytes_before'] / 1e6:.0f} MB before, {run['database_bytes_after'] / 1e6:.0f} MB after; "
            f"{total['requests']} requests, {total['rps']:.1f} requests/s, p50 {total['p50_ms']:.0f} ms, "
            f"p95 {total['p95_ms']:.0f} ms; failures {total['failures']}; acknowledged writes "
            f"{check['acknowledged_writes']} on {check['records']} records, problems {len(check['problems'])}; "
            f"server log: {run['server_log']}; backup {run.get('backup_seconds')} s "
            f"({run.get('backup_bytes', 0) / 1e6:.1f} MB, started at {run.get('backup_started_at_s')} s), "
            f"restore {run.get('restore_seconds')} s, restore check ok: {run.get('restore_ok')}"
        )
    print()
    header = "| request kind | " + " | ".join(f"{r['engine']} requests | p50 / p95 ms" for r in runs) + " |"
    print(header)
    print("|" + "---|" * (1 + 2 * len(runs)))
    names = [k["kind"] for k in runs[0]["kinds"]]
    for name in names:
        cells = []
        for run in runs:
            kind = next((k for k in run["kinds"] if k["kind"] == name), None)
            cells += (
                [f"{kind['requests']:,}", f"{kind['p50_ms']:.0f} / {kind['p95_ms']:.0f}"]
                if kind
                else ["–", "–"]
            )
        label = f"**{name}**" if name == "Aggregated" else name
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
