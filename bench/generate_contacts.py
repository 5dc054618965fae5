"""Write a generated contacts CSV and its truth file.

    python -m bench.generate_contacts --rows 1000000 --out contacts.csv [--seed 1]

writes contacts.csv (UTF-8, header first_name,last_name,phone,email,company,city,title) and
contacts.truth.csv (row,kind,duplicate_of,bad_column) with rows numbered as in a spreadsheet (header = row 1).
"""

import argparse
import csv
import sys
import time
from pathlib import Path

from bench.contacts_data import COLUMNS, FIRST_ROW, generate


def truth_path(out: Path) -> Path:
    return out.with_name(out.stem + ".truth.csv")


def write(rows: int, out: Path, seed: int = 1) -> Path:
    truth_file = truth_path(out)
    with (
        out.open("w", newline="", encoding="utf-8") as data,
        truth_file.open("w", newline="", encoding="utf-8") as t,
    ):
        data_writer, truth_writer = csv.writer(data), csv.writer(t)
        data_writer.writerow(COLUMNS)
        truth_writer.writerow(("row", "kind", "duplicate_of", "bad_column"))
        for number, (row, truth) in enumerate(generate(rows, seed), start=FIRST_ROW):
            data_writer.writerow([row[c] for c in COLUMNS])
            truth_writer.writerow((number, truth.kind, truth.duplicate_of or "", truth.bad_column))
    return truth_file


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    truth_file = write(args.rows, args.out, args.seed)
    print(
        f"{args.rows} rows -> {args.out}, truth -> {truth_file} in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
