from __future__ import annotations

import csv
from pathlib import Path

import pytest

from rapport_analytics.matching.cli import main

ROWS = [
    ["id", "Given", "Family", "Email", "Phone", "Born", "Street"],
    ["1", "Robert", "Jones", "rob.jones@gmail.com", "07700 900123", "1975-02-03", "1 High St"],
    ["2", "Bob", "Jones", "ROB.JONES@gmail.com", "+44 7700 900123", "03/02/1975", "1 High Street"],
    ["3", "Alice", "Jones", "alice.j@gmail.com", "01632 960001", "1978-09-09", "1 High Street"],
    ["4", "Carl", "Brown", "carl@brown.example", "01632 960002", "1960-01-01", "9 Low Road"],
]
MAP = [
    "--map",
    "Given=first_name",
    "--map",
    "Family=last_name",
    "--map",
    "Email=email",
    "--map",
    "Phone=phone",
    "--map",
    "Born=birth_date",
    "--map",
    "Street=street",
]


@pytest.fixture
def people_csv(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(ROWS)
    return path


def test_scan_writes_duplicate_pairs(people_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "pairs.csv"
    assert main(["scan", "--csv", str(people_csv), "--id-col", "id", *MAP, "--out", str(out)]) == 0
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["id_a"], r["id_b"]) for r in rows] in ([("1", "2")], [("2", "1")])
    assert 0.5 <= float(rows[0]["score"]) <= 1.0


def test_scan_threshold_one_keeps_nothing_uncertain(people_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "pairs.csv"
    assert (
        main(
            [
                "scan",
                "--csv",
                str(people_csv),
                "--id-col",
                "id",
                *MAP,
                "--out",
                str(out),
                "--threshold",
                "1.0",
            ]
        )
        == 0
    )
    assert out.read_text().splitlines()[0] == "id_a,id_b,score"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--csv", "missing.csv", "--id-col", "id"], "no such file"),
        (["--id-col", "nope"], "no column 'nope'"),
        (["--id-col", "id", "--map", "Given=nickname"], "unknown field"),
        (["--id-col", "id", "--map", "Nope=first_name"], "no column 'Nope'"),
        (["--id-col", "id", "--map", "first_name"], "expected COLUMN=FIELD"),
        (["--id-col", "id", *MAP, "--threshold", "2"], "between 0 and 1"),
    ],
)
def test_clear_errors(
    people_csv: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    base = ["scan", "--out", str(tmp_path / "o.csv")]
    if "--csv" not in args:
        base += ["--csv", str(people_csv)]
    assert main(base + args) == 2
    assert message in capsys.readouterr().err


def test_missing_required_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["scan", "--csv", "x.csv"])
    assert exit_info.value.code == 2
