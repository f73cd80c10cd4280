"""`rapport clv` on files: CDNOW end to end, and bad input giving exit code 2 with line/column."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from rapport_analytics.clv.cli import PREDICTION_COLUMNS, main

CDNOW = Path(__file__).resolve().parents[2] / "data" / "cdnow" / "CDNOW_sample.txt"
CDNOW_COLUMNS = ["--no-header", "--customer-col", "2", "--date-col", "3", "--amount-col", "5"]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_fit_predict_evaluate_on_cdnow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    params = tmp_path / "params.json"
    predictions = tmp_path / "predictions.csv"
    scores = tmp_path / "scores.json"
    # when BG/NBD is fitted on the headerless CDNOW file
    code = main(
        [
            "fit",
            "--transactions",
            str(CDNOW),
            *CDNOW_COLUMNS,
            "--calibration-end",
            "1997-09-30",
            "--model",
            "bgnbd",
            "--unit",
            "week",
            "--out",
            str(params),
        ]
    )
    # then the JSON holds the published estimates and everything predict needs
    assert code == 0
    fitted = json.loads(params.read_text())
    assert fitted["model"] == "bgnbd"
    assert fitted["params"]["r"] == pytest.approx(0.243, abs=5e-4)
    assert fitted["params"]["alpha"] == pytest.approx(4.414, abs=5e-3)
    assert set(fitted["standard_errors"]) == {"r", "alpha", "a", "b"}
    assert fitted["log_likelihood"] == pytest.approx(-9582.4, abs=0.05)
    assert (fitted["time_unit"], fitted["calibration_end"]) == ("week", "1997-09-30")
    assert fitted["spend_model"]["params"]["p"] == pytest.approx(6.25, abs=5e-3)
    # when predicting a year ahead from those parameters
    code = main(
        [
            "predict",
            "--transactions",
            str(CDNOW),
            *CDNOW_COLUMNS,
            "--params",
            str(params),
            "--horizon",
            "52",
            "--margin",
            "0.3",
            "--out",
            str(predictions),
        ]
    )
    assert code == 0
    with predictions.open() as handle:
        rows = list(csv.DictReader(handle))
    # then there is one row per calibration customer with the agreed columns
    assert tuple(rows[0]) == PREDICTION_COLUMNS
    assert len(rows) == 2357
    first = rows[0]  # customer 0001: x = 2, t_x = 30.43, T = 38.86 in the published summary
    assert (first["customer_id"], first["frequency"]) == ("0001", "2")
    assert float(first["recency"]) == pytest.approx(30.43, abs=0.005)
    assert 0 <= float(first["p_alive"]) <= 1
    assert float(first["clv"]) > 0
    # when both models are evaluated on the 39-week holdout
    code = main(
        [
            "evaluate",
            "--transactions",
            str(CDNOW),
            *CDNOW_COLUMNS,
            "--calibration-end",
            "1997-09-30",
            "--holdout-end",
            "1998-06-30",
            "--json",
            str(scores),
            "--quiet",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "bgnbd" in printed and "pnbd" in printed and "chosen:" in printed
    report = json.loads(scores.read_text())
    correlations = {score["model"]: round(score["correlation"], 3) for score in report["scores"]}
    assert correlations == {"bgnbd": 0.626, "pnbd": 0.630}


def test_auto_model_choice_on_a_headered_csv(tmp_path: Path) -> None:
    # given CDNOW rewritten as a CSV with a header and ISO dates
    lines = ["customer,day,spend"]
    for line in CDNOW.read_text().splitlines():
        _, customer, ymd, _, amount = line.split()
        lines.append(f"{customer},{ymd[:4]}-{ymd[4:6]}-{ymd[6:]},{amount}")
    source = write(tmp_path / "cdnow.csv", "\n".join(lines) + "\n")
    params = tmp_path / "params.json"
    # when fitted with --model auto (data after the calibration end serve as holdout)
    code = main(
        [
            "fit",
            "--transactions",
            str(source),
            "--customer-col",
            "customer",
            "--date-col",
            "day",
            "--amount-col",
            "spend",
            "--calibration-end",
            "1997-09-30",
            "--out",
            str(params),
            "--quiet",
        ]
    )
    # then one model is chosen, with the scores that justify it
    assert code == 0
    fitted = json.loads(params.read_text())
    assert fitted["model"] in {"bgnbd", "pnbd"}
    assert {score["model"] for score in fitted["model_choice"]["scores"]} == {"bgnbd", "pnbd"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("customer_id,date,amount\nA,2024-01-01,10\nA,2024-13-45,5\n", "line 3, column date"),
        ("customer_id,date,amount\nA,2024-01-01,10\nB,2024-01-02,-4\n", "line 3, column amount"),
        ("customer_id,date,amount\nA,2024-01-01,ten\n", "line 2, column amount"),
        ("customer_id,date,amount\nA,2024-01-01,10\nB,2024-01-02\n", "line 3, column amount"),
        ("customer_id,date\nA,2024-01-01\n", "amount column 'amount' is not in the header"),
    ],
    ids=["bad-date", "negative-amount", "non-numeric-amount", "missing-column", "missing-header"],
)
def test_bad_input_exits_2_naming_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, expected: str
) -> None:
    source = write(tmp_path / "bad.csv", content)
    code = main(
        [
            "fit",
            "--transactions",
            str(source),
            "--calibration-end",
            "2024-06-30",
            "--out",
            str(tmp_path / "p.json"),
            "--quiet",
        ]
    )
    assert code == 2
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "p.json").exists()


def test_skip_bad_rows_reports_them_and_continues(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given the CDNOW rows plus one broken row, as whitespace-separated text with a header
    body = CDNOW.read_text().splitlines()
    text = "master sample ymd cds dollars\n" + "\n".join(
        [*body[:10], " 9 0001 1997xx01 1 5.0", *body[10:]]
    )
    source = write(tmp_path / "cdnow.txt", text + "\n")
    params = tmp_path / "params.json"
    code = main(
        [
            "fit",
            "--transactions",
            str(source),
            "--customer-col",
            "sample",
            "--date-col",
            "ymd",
            "--amount-col",
            "dollars",
            "--calibration-end",
            "1997-09-30",
            "--model",
            "bgnbd",
            "--skip-bad-rows",
            "--out",
            str(params),
            "--quiet",
        ]
    )
    assert code == 0
    assert "skipped 1 bad row(s)" in capsys.readouterr().err
    assert json.loads(params.read_text())["params"]["b"] == pytest.approx(2.426, abs=5e-3)


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fit", "--transactions", str(CDNOW)]) == 2  # missing required options
    assert (
        main(
            [
                "predict",
                "--transactions",
                str(CDNOW),
                *CDNOW_COLUMNS,
                "--params",
                str(tmp_path / "none.json"),
                "--horizon",
                "4",
                "--out",
                str(tmp_path / "o.csv"),
            ]
        )
        == 2
    )
    assert "parameters file not found" in capsys.readouterr().err
    assert (
        main(
            [
                "fit",
                "--transactions",
                str(tmp_path / "missing.csv"),
                "--calibration-end",
                "2024-01-01",
                "--out",
                str(tmp_path / "p.json"),
            ]
        )
        == 2
    )
    assert main(["--help"]) == 0
