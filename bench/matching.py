"""Benchmark of the duplicate-detection engine against splink's unsupervised model.

    python bench/matching.py                # Febrl3, Febrl4, synthetic at 1,000,000 people
    python bench/matching.py --people 50000 # smaller synthetic run
    python bench/matching.py --only synthetic --skip-splink   # the 1M scan alone

With ``--only``, the other entries of bench/results/matching.json are kept.

Prints a table and writes bench/results/matching.json. Big runs happen in child
processes so each one's peak memory (max RSS) is measured on its own. splink
is a benchmark-only dependency; when it is missing or fails, that is reported,
never estimated.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapport_analytics.matching import (  # noqa: E402
    DuplicateIndex,
    RecordTable,
    link_records,
    scan_table,
)
from rapport_analytics.matching.evaluate import (  # noqa: E402
    febrl_true_pairs,
    pair_metrics,
    read_febrl,
    true_pairs_from_entities,
)
from rapport_analytics.matching.records import Record  # noqa: E402
from rapport_analytics.matching.synthetic import generate_people  # noqa: E402

FEBRL = ROOT / "tests" / "data" / "febrl"
RESULTS = ROOT / "bench" / "results" / "matching.json"
SPLINK_TIME_LIMIT_S = 1800
DATASETS = ("febrl3", "febrl4", "synthetic")


def _metrics(predicted: Any, truth: set[tuple[str, str]]) -> dict[str, float]:
    m = pair_metrics(predicted=predicted, truth=truth)
    return {
        "precision": round(m.precision, 4),
        "recall": round(m.recall, 4),
        "f1": round(m.f1, 4),
        "pairs_found": m.true_positives + m.false_positives,
        "true_pairs": m.true_positives + m.false_negatives,
    }


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _febrl4() -> tuple[list[Record], list[Record], set[tuple[str, str]]]:
    left = read_febrl(FEBRL / "dataset4a.csv")
    right = read_febrl(FEBRL / "dataset4b.csv")
    ids = {r.id.split("-")[1]: r.id for r in left}
    truth = {
        (min(ids[n], r.id), max(ids[n], r.id)) for r in right if (n := r.id.split("-")[1]) in ids
    }
    return left, right, truth


# --- ours -------------------------------------------------------------------


def ours_febrl3() -> dict[str, Any]:
    start = time.perf_counter()
    table = RecordTable.from_records(read_febrl(FEBRL / "dataset3.csv"))
    result = scan_table(table)
    seconds = time.perf_counter() - start
    truth = febrl_true_pairs(table.ids)
    return {**_metrics([p[:2] for p in result.id_pairs()], truth), "seconds": round(seconds, 2)}


def ours_febrl4() -> dict[str, Any]:
    left, right, truth = _febrl4()
    start = time.perf_counter()
    result = link_records(left, right)
    seconds = time.perf_counter() - start
    return {**_metrics([p[:2] for p in result.id_pairs()], truth), "seconds": round(seconds, 2)}


def ours_synthetic(people: int) -> dict[str, Any]:
    synthetic = generate_people(n_records=people, seed=7)
    truth = true_pairs_from_entities(synthetic.entity_of)
    probes = synthetic.records[:1000]
    start = time.perf_counter()
    table = RecordTable.from_records(synthetic.records)
    normalised = time.perf_counter() - start
    # The app streams rows from its database; the generator's objects are not part of a scan.
    generator_peak = _peak_mb()
    del synthetic
    gc.collect()
    result = scan_table(table)
    seconds = time.perf_counter() - start
    scan_peak = _peak_mb()
    out: dict[str, Any] = {
        "people": people,
        **_metrics([p[:2] for p in result.id_pairs()], truth),
        "seconds": round(seconds, 1),
        "normalise_seconds": round(normalised, 1),
        "candidate_pairs": result.n_candidates,
        "peak_rss_mb_generating_data": round(generator_peak),
        "peak_rss_mb_after_scan": round(scan_peak),
    }
    # Single-record check: index everyone, then ask about 1,000 records.
    start = time.perf_counter()
    index = DuplicateIndex.from_table(table, model=result.model)
    out["index_build_seconds"] = round(time.perf_counter() - start, 1)
    latencies = []
    for record in probes:
        t0 = time.perf_counter()
        index.query(record)
        latencies.append(time.perf_counter() - t0)
    latencies.sort()
    out["query_p50_ms"] = round(latencies[len(latencies) // 2] * 1000, 2)
    out["query_p95_ms"] = round(latencies[int(len(latencies) * 0.95)] * 1000, 2)
    out["peak_rss_mb_with_index"] = round(_peak_mb())
    return out


# --- splink -----------------------------------------------------------------


def _splink_frame(records: list[Record]) -> Any:
    import pandas as pd

    table = RecordTable.from_records(records)

    def col(values: Any) -> list[Any]:
        return [v if v else None for v in values]

    dob = [str(v) if v else None for v in table.dob]
    return pd.DataFrame(
        {
            "unique_id": table.ids,
            "first_name": col(table.first),
            "surname": col(table.last),
            "dob": dob,
            "street": col(table.street),
            "postcode": col(table.postcode),
            "city": col(table.city),
            "email": col(table.email_a),
            "phone": col(table.phone_a),
            "external_id": col(table.external_id),
        }
    )


def _splink_run(frames: list[Any], link_type: str) -> tuple[set[tuple[str, str]], float]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    start = time.perf_counter()
    db_api = DuckDBAPI()
    inputs = [db_api.register(frame) for frame in frames]
    settings = SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.LevenshteinAtThresholds("dob", [1, 2]),
            cl.JaroWinklerAtThresholds("street", [0.9, 0.7]),
            cl.ExactMatch("postcode"),
            cl.JaroWinklerAtThresholds("city", [0.9]),
            cl.ExactMatch("email"),
            cl.ExactMatch("phone"),
            cl.LevenshteinAtThresholds("external_id", [1, 2]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("postcode", "dob"),
            block_on("email"),
            block_on("phone"),
            block_on("external_id"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(inputs if len(inputs) > 1 else inputs[0], settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    predictions = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    seconds = time.perf_counter() - start
    pairs = {
        (min(a, b), max(a, b))
        for a, b in zip(predictions["unique_id_l"], predictions["unique_id_r"], strict=True)
    }
    return pairs, seconds


def splink_febrl3() -> dict[str, Any]:
    records = read_febrl(FEBRL / "dataset3.csv")
    pairs, seconds = _splink_run([_splink_frame(records)], "dedupe_only")
    return {
        **_metrics(pairs, febrl_true_pairs([r.id for r in records])),
        "seconds": round(seconds, 2),
    }


def splink_febrl4() -> dict[str, Any]:
    left, right, truth = _febrl4()
    pairs, seconds = _splink_run([_splink_frame(left), _splink_frame(right)], "link_only")
    return {**_metrics(pairs, truth), "seconds": round(seconds, 2)}


def splink_synthetic(people: int) -> dict[str, Any]:
    synthetic = generate_people(n_records=people, seed=7)
    frame = _splink_frame(synthetic.records)
    pairs, seconds = _splink_run([frame], "dedupe_only")
    truth = true_pairs_from_entities(synthetic.entity_of)
    return {
        "people": people,
        **_metrics(pairs, truth),
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(_peak_mb()),
    }


# --- driver -----------------------------------------------------------------

JOBS = {
    "ours_febrl3": ours_febrl3,
    "ours_febrl4": ours_febrl4,
    "splink_febrl3": splink_febrl3,
    "splink_febrl4": splink_febrl4,
}


def _child(job: str, people: int, timeout: float | None) -> dict[str, Any]:
    """Run one job in a fresh interpreter so its peak memory is its own."""
    command = [sys.executable, __file__, "--child", job, "--people", str(people)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within {timeout:.0f} s"}
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return {"error": " | ".join(tail) or f"exit status {done.returncode}"}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _run_child(job: str, people: int) -> None:
    if job == "ours_synthetic":
        result = ours_synthetic(people)
    elif job == "splink_synthetic":
        result = splink_synthetic(people)
    else:
        result = JOBS[job]()
    print(json.dumps(result))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--people", type=int, default=1_000_000, help="synthetic size (default %(default)s)"
    )
    parser.add_argument(
        "--splink-people",
        type=int,
        default=None,
        help="synthetic size for splink (default: --people)",
    )
    parser.add_argument("--skip-splink", "--no-splink", action="store_true")
    parser.add_argument(
        "--only",
        action="append",
        choices=DATASETS,
        help="run only this data set (repeatable); other stored results are kept",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _run_child(args.child, args.people)
        return 0

    splink_people = args.splink_people or args.people
    datasets = args.only or list(DATASETS)
    report: dict[str, Any] = {"machine": {"cpus": _cpus()}, "people": args.people}
    if args.only and RESULTS.exists():
        report = {**json.loads(RESULTS.read_text()), **report}
        report.pop("note", None)  # said how an older partial run was made
    engines = ["ours"] if args.skip_splink else ["ours", "splink"]
    plan = [(engine, data) for engine in engines for data in datasets]
    for engine, data in plan:
        job = f"{engine}_{data}"
        size = splink_people if engine == "splink" else args.people
        timeout = SPLINK_TIME_LIMIT_S if engine == "splink" else None
        print(f"running {job} ...", flush=True)
        load_before = os.getloadavg()[0]
        result = _child(job, size, timeout)
        result["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        report.setdefault(engine, {})[data] = result
        print(f"  {json.dumps(result)}", flush=True)
    if args.skip_splink and not args.only:
        report["splink"] = {"skipped": "--skip-splink given"}
    _print_table(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written {RESULTS.relative_to(ROOT)}")
    return 0


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _print_table(report: dict[str, Any]) -> None:
    print()
    print(
        f"{'engine':8} {'data':10} {'precision':>9} {'recall':>7} {'F1':>7} {'seconds':>8}  extra"
    )
    for engine in ("ours", "splink"):
        for data, row in report.get(engine, {}).items():
            if not isinstance(row, dict) or "error" in row:
                print(
                    f"{engine:8} {data:10} FAILED: {row.get('error') if isinstance(row, dict) else row}"
                )
                continue
            extra = {
                k: v for k, v in row.items() if k not in {"precision", "recall", "f1", "seconds"}
            }
            print(
                f"{engine:8} {data:10} {row['precision']:>9.4f} {row['recall']:>7.4f} "
                f"{row['f1']:>7.4f} {row['seconds']:>8}  {extra}"
            )


if __name__ == "__main__":
    raise SystemExit(main())
