"""``rapport clv``: fit, predict and evaluate CLV models on transaction files, without the app.

Exit codes: 0 success, 2 usage error or unusable input (bad rows are listed by line
and column). Progress goes to stderr; results go to the files named by --out/--json.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from rapport_analytics.clv import gamma_gamma
from rapport_analytics.clv._fitting import compress_customers
from rapport_analytics.clv.evaluation import HoldoutScore, compare_models
from rapport_analytics.clv.files import ColumnSpec, InputFileError, ReadResult, read_transactions
from rapport_analytics.clv.models import (
    PURCHASE_MODELS,
    PurchaseModelName,
    fit_purchase_model,
    params_from_dict,
    params_to_dict,
)
from rapport_analytics.clv.summary import (
    TimeUnit,
    day_number_to_date,
    split_calibration_holdout,
    summarize_transactions,
    to_day_number,
)
from rapport_analytics.clv.value import per_period_discount_rate, predict_customers

PARAMS_FORMAT_VERSION = 1
PREDICTION_COLUMNS = (
    "customer_id",
    "frequency",
    "recency",
    "T",
    "monetary_value",
    "p_alive",
    "expected_purchases",
    "expected_avg_spend",
    "clv",
)


class UsageError(Exception):
    """A problem with the arguments or inputs that the user can fix; exit code 2."""


class _Progress:
    def __init__(self, *, quiet: bool) -> None:
        self._quiet = quiet
        self._start = time.perf_counter()

    def __call__(self, message: str) -> None:
        if not self._quiet:
            elapsed = time.perf_counter() - self._start
            print(f"rapport clv [{elapsed:6.1f}s] {message}", file=sys.stderr, flush=True)


def _add_file_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("transactions file")
    group.add_argument("--transactions", required=True, type=Path, help="CSV or whitespace file")
    group.add_argument("--customer-col", default="customer_id", help="name, or 1-based number")
    group.add_argument("--date-col", default="date", help="name, or 1-based number")
    group.add_argument("--amount-col", default="amount", help="name, or 1-based number")
    group.add_argument(
        "--date-format", help="strptime format, e.g. %%d/%%m/%%Y (default: YYYY-MM-DD or YYYYMMDD)"
    )
    group.add_argument(
        "--no-header", action="store_true", help="file has no header; columns are 1-based numbers"
    )
    group.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="drop unreadable rows and report them instead of failing",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rapport clv", description="Customer lifetime value models on transaction files."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    fit = commands.add_parser("fit", help="fit a purchase model and the spend model")
    _add_file_options(fit)
    fit.add_argument("--calibration-end", required=True, help="last day used for fitting")
    fit.add_argument(
        "--model",
        choices=[*PURCHASE_MODELS, "auto"],
        default="auto",
        help="auto: best holdout RMSE on data after --calibration-end, else best likelihood",
    )
    fit.add_argument("--unit", choices=[unit.value for unit in TimeUnit], default="week")
    fit.add_argument("--out", required=True, type=Path, help="parameters JSON to write")
    predict = commands.add_parser("predict", help="per-customer predictions and CLV")
    _add_file_options(predict)
    predict.add_argument("--params", required=True, type=Path, help="JSON written by fit")
    predict.add_argument("--horizon", required=True, type=float, help="periods of the params' unit")
    predict.add_argument(
        "--as-of", help="summarise purchases up to this day (default: the calibration end)"
    )
    predict.add_argument("--margin", type=float, default=1.0, help="profit share of spend")
    predict.add_argument(
        "--discount-rate", type=float, default=0.10, help="annual discount rate (0.10 = 10%%)"
    )
    predict.add_argument("--out", required=True, type=Path, help="predictions CSV to write")
    evaluate = commands.add_parser("evaluate", help="score models on a holdout period")
    _add_file_options(evaluate)
    evaluate.add_argument("--calibration-end", required=True)
    evaluate.add_argument("--holdout-end", required=True)
    evaluate.add_argument("--model", choices=[*PURCHASE_MODELS, "auto"], default="auto")
    evaluate.add_argument("--unit", choices=[unit.value for unit in TimeUnit], default="week")
    evaluate.add_argument("--json", type=Path, help="also write the scores as JSON")
    return parser


def _day(text: str, option: str) -> int:
    try:
        return to_day_number(text)
    except ValueError:
        raise UsageError(f"{option}: cannot read date {text!r} (use YYYY-MM-DD)") from None


def _read(args: argparse.Namespace, say: _Progress) -> ReadResult:
    columns = ColumnSpec(
        customer=args.customer_col,
        date=args.date_col,
        amount=args.amount_col,
        date_format=args.date_format,
        has_header=not args.no_header,
    )
    say(f"reading {args.transactions}")
    result = read_transactions(
        args.transactions,
        columns=columns,
        on_bad_row="skip" if args.skip_bad_rows else "fail",
        progress=lambda rows: say(f"  {rows:,} rows read"),
    )
    say(f"read {result.rows_read:,} rows, {len(result.log):,} transactions")
    if result.problems:
        print(
            f"rapport clv: skipped {len(result.problems)} bad row(s):\n"
            + "\n".join(f"  {problem}" for problem in result.problems[:20]),
            file=sys.stderr,
        )
    return result


def _fit_to_json(fitted: Any) -> dict[str, Any]:
    return {
        "params": params_to_dict(fitted.params),
        "standard_errors": params_to_dict(fitted.standard_errors),
        "log_likelihood": fitted.log_likelihood,
        "n_customers": fitted.n_customers,
        "converged": fitted.converged,
    }


def _write_json(path: Path, payload: dict[str, Any]) -> None:
    path.write_text(json.dumps(payload, indent=2, allow_nan=True) + "\n", encoding="utf-8")


def _command_fit(args: argparse.Namespace, say: _Progress) -> int:
    log = _read(args, say).log
    end_day = _day(args.calibration_end, "--calibration-end")
    unit = TimeUnit(args.unit)
    summary = summarize_transactions(log, calibration_end=end_day, unit=unit)
    if len(summary) == 0:
        raise UsageError("no customers purchased on or before --calibration-end")
    say(f"{len(summary):,} customers in the calibration period")
    choice: dict[str, Any] | None = None
    if args.model == "auto" and int(log.days.max()) > end_day:
        say("choosing a model on purchases after the calibration end")
        split = split_calibration_holdout(
            log, calibration_end=end_day, holdout_end=int(log.days.max()), unit=unit
        )
        comparison = compare_models(split)
        name = comparison.chosen
        fitted = comparison.fits[name]
        choice = {
            "reason": comparison.reason,
            "scores": [_score_json(s) for s in comparison.scores],
        }
    else:
        data = compress_customers(
            frequency=summary.frequency, recency=summary.recency, age=summary.age
        )
        names: Sequence[PurchaseModelName] = (
            PURCHASE_MODELS if args.model == "auto" else (cast(PurchaseModelName, args.model),)
        )
        fits = {}
        for candidate in names:
            say(f"fitting {candidate}")
            fits[candidate] = fit_purchase_model(candidate, data)
        name = max(fits, key=lambda key: fits[key].log_likelihood)
        fitted = fits[name]
        if len(names) > 1:
            reason = "highest calibration log-likelihood (no data after the calibration end)"
            choice = {"reason": reason, "scores": []}
    say("fitting the Gamma-Gamma spend model")
    spend = gamma_gamma.fit(frequency=summary.frequency, monetary_value=summary.monetary_value)
    payload: dict[str, Any] = {
        "format_version": PARAMS_FORMAT_VERSION,
        "model": name,
        **_fit_to_json(fitted),
        "time_unit": unit.value,
        "calibration_end": day_number_to_date(end_day).isoformat(),
        "spend_model": {"model": gamma_gamma.NAME, **_fit_to_json(spend)},
    }
    if choice is not None:
        payload["model_choice"] = choice
    _write_json(args.out, payload)
    say(f"{name}: log-likelihood {fitted.log_likelihood:.1f}; wrote {args.out}")
    return 0


def _load_params(path: Path) -> dict[str, Any]:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        params_from_dict(payload["model"], payload["params"])
        payload["spend_model"]["params"]["p"]
        TimeUnit(payload["time_unit"])
        to_day_number(payload["calibration_end"])
    except FileNotFoundError:
        raise UsageError(f"parameters file not found: {path}") from None
    except (ValueError, KeyError, TypeError) as error:
        raise UsageError(
            f"{path} is not a parameters file from 'rapport clv fit': {error}"
        ) from None
    return cast(dict[str, Any], payload)


def _command_predict(args: argparse.Namespace, say: _Progress) -> int:
    payload = _load_params(args.params)
    if args.horizon < 0 or args.margin < 0 or args.discount_rate <= -1:
        raise UsageError("--horizon and --margin must be >= 0 and --discount-rate > -1")
    log = _read(args, say).log
    unit = TimeUnit(payload["time_unit"])
    as_of = _day(args.as_of, "--as-of") if args.as_of else to_day_number(payload["calibration_end"])
    summary = summarize_transactions(log, calibration_end=as_of, unit=unit)
    if len(summary) == 0:
        raise UsageError("no customers purchased on or before the prediction date")
    purchase_params = params_from_dict(payload["model"], payload["params"])
    spend_params = gamma_gamma.GammaGammaParams(
        **{k: float(v) for k, v in payload["spend_model"]["params"].items()}
    )
    say(f"predicting {len(summary):,} customers over {args.horizon:g} {unit.value}s")
    predictions = predict_customers(
        summary=summary,
        purchase_params=purchase_params,
        spend_params=spend_params,
        horizon=args.horizon,
        margin=args.margin,
        discount_rate=per_period_discount_rate(annual_rate=args.discount_rate, unit=unit),
    )
    columns = (
        predictions.customer_ids,
        predictions.frequency,
        predictions.recency,
        predictions.age,
        predictions.monetary_value,
        predictions.probability_alive,
        predictions.expected_purchases,
        predictions.expected_average_spend,
        predictions.lifetime_value,
    )
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PREDICTION_COLUMNS)
        for row in zip(*columns, strict=True):
            customer, frequency, *numbers = row
            writer.writerow([customer, int(frequency), *(f"{value:.6f}" for value in numbers)])
    say(f"wrote {args.out}")
    return 0


def _score_json(score: HoldoutScore) -> dict[str, Any]:
    return {
        "model": score.model,
        "mae": score.mean_absolute_error,
        "rmse": score.root_mean_squared_error,
        "correlation": score.correlation,
        "aggregate_error": score.aggregate_error,
        "predicted_total": score.predicted_total,
        "actual_total": score.actual_total,
        "calibration_log_likelihood": score.calibration_log_likelihood,
    }


def _command_evaluate(args: argparse.Namespace, say: _Progress) -> int:
    log = _read(args, say).log
    calibration_end = _day(args.calibration_end, "--calibration-end")
    holdout_end = _day(args.holdout_end, "--holdout-end")
    if holdout_end <= calibration_end:
        raise UsageError("--holdout-end must be after --calibration-end")
    split = split_calibration_holdout(
        log, calibration_end=calibration_end, holdout_end=holdout_end, unit=TimeUnit(args.unit)
    )
    if len(split.calibration) == 0:
        raise UsageError("no customers purchased on or before --calibration-end")
    say(f"fitting and scoring on {len(split.calibration):,} customers")
    chosen = None if args.model == "auto" else cast(PurchaseModelName, args.model)
    comparison = compare_models(split, choose=chosen)
    print(f"holdout: {split.holdout_length:g} {args.unit}s, {len(split.calibration):,} customers")
    print(f"{'model':<8}{'MAE':>10}{'RMSE':>10}{'corr':>10}{'aggregate error':>18}{'cal. LL':>14}")
    for score in comparison.scores:
        print(
            f"{score.model:<8}{score.mean_absolute_error:>10.4f}"
            f"{score.root_mean_squared_error:>10.4f}{score.correlation:>10.4f}"
            f"{score.aggregate_error:>+18.2%}{score.calibration_log_likelihood:>14.1f}"
        )
    print(f"chosen: {comparison.chosen} ({comparison.reason})")
    if args.json:
        _write_json(
            args.json,
            {
                "holdout_length": split.holdout_length,
                "time_unit": args.unit,
                "scores": [_score_json(score) for score in comparison.scores],
                "chosen": comparison.chosen,
                "reason": comparison.reason,
            },
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:  # argparse exits on --help (0) and usage errors (2)
        return int(exit_request.code or 0)
    say = _Progress(quiet=args.quiet)
    handlers = {"fit": _command_fit, "predict": _command_predict, "evaluate": _command_evaluate}
    try:
        return handlers[args.command](args, say)
    except (UsageError, InputFileError) as error:
        print(f"rapport clv {args.command}: error: {error}", file=sys.stderr)
        return 2
    except ValueError as error:  # a model cannot be fitted on these data
        print(f"rapport clv {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
