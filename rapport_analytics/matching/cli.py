"""``rapport duplicates``: find duplicate rows in a CSV file.

    rapport duplicates scan --csv people.csv --id-col id \\
        --map "Given name=first_name" --map Surname=last_name --out pairs.csv
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path

from .records import FIELDS, Record
from .scan import DEFAULT_THRESHOLD, find_duplicates

__all__ = ["main"]

_MULTI_VALUED = {"email": "emails", "phone": "phones", "external_id": "external_ids"}


class UsageError(Exception):
    """A problem with the command line or the input file (exit status 2)."""


def _parse_mapping(pairs: Sequence[str], header: Sequence[str]) -> dict[str, list[str]]:
    """FIELD -> columns. Without --map, columns named like a field map to it."""
    mapping: dict[str, list[str]] = {}
    if not pairs:
        for column in header:
            name = column.strip().lower().replace(" ", "_")
            if name in FIELDS:
                mapping.setdefault(name, []).append(column)
        if not mapping:
            raise UsageError(
                f"no column is named like a field; use --map COLUMN=FIELD (fields: {', '.join(FIELDS)})"
            )
        return mapping
    for pair in pairs:
        column, sep, field_name = pair.rpartition("=")
        if not sep or not column or not field_name:
            raise UsageError(f"bad --map {pair!r}: expected COLUMN=FIELD")
        if field_name not in FIELDS:
            raise UsageError(
                f"bad --map {pair!r}: unknown field {field_name!r} (fields: {', '.join(FIELDS)})"
            )
        if column not in header:
            raise UsageError(f"bad --map {pair!r}: no column {column!r} in the file")
        mapping.setdefault(field_name, []).append(column)
    return mapping


def _record(row: dict[str, str], record_id: str, mapping: dict[str, list[str]]) -> Record:
    values: dict[str, object] = {}
    for field_name, columns in mapping.items():
        parts = [(row.get(c) or "").strip() for c in columns]
        if field_name in _MULTI_VALUED:
            values[_MULTI_VALUED[field_name]] = tuple(p for p in parts if p)
        else:
            values[field_name] = " ".join(p for p in parts if p)
    return Record(id=record_id, **values)  # type: ignore[arg-type]


def _read(path: Path, id_col: str, map_args: Sequence[str]) -> list[Record]:
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle, skipinitialspace=True)
        header = [h for h in (reader.fieldnames or [])]
        if id_col not in header:
            raise UsageError(f"no column {id_col!r} in {path} (columns: {', '.join(header)})")
        mapping = _parse_mapping(map_args, header)
        return [_record(row, (row.get(id_col) or "").strip(), mapping) for row in reader]


def _scan(args: argparse.Namespace) -> int:
    if not 0.0 <= args.threshold <= 1.0:
        raise UsageError("--threshold must be between 0 and 1")
    records = _read(Path(args.csv), args.id_col, args.map or [])
    result = find_duplicates(records, threshold=args.threshold, default_region=args.region)
    try:
        with Path(args.out).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id_a", "id_b", "score"])
            for id_a, id_b, score in result.id_pairs():
                writer.writerow([id_a, id_b, f"{score:.4f}"])
    except OSError as error:
        raise UsageError(f"cannot write {args.out}: {error.strerror}") from error
    print(
        f"{len(records)} records, {result.n_candidates} candidate pairs, {len(result.scores)} duplicate pairs -> {args.out}"
    )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rapport duplicates", description="Find duplicate people in a file."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    scan = commands.add_parser("scan", help="write every pair judged a duplicate to a CSV")
    scan.add_argument("--csv", required=True, help="input CSV with a header row")
    scan.add_argument("--id-col", required=True, help="column holding each row's id")
    scan.add_argument(
        "--map",
        action="append",
        metavar="COLUMN=FIELD",
        help=f"read COLUMN as FIELD (repeatable; several columns may share a field). Fields: {', '.join(FIELDS)}",
    )
    scan.add_argument("--out", required=True, help="output CSV: id_a,id_b,score")
    scan.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help="minimum score 0..1 (default %(default)s)",
    )
    scan.add_argument(
        "--region", default="GB", help="default phone region, ISO code (default %(default)s)"
    )
    scan.set_defaults(handler=_scan)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except UsageError as error:
        print(f"rapport duplicates: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
