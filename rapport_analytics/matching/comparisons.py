"""Per-field comparison levels, computed for whole arrays of candidate pairs at once.

Each comparison turns a pair into a small integer level (-1 = no evidence
because a side is blank). The Fellegi-Sunter model learns how much each
level says. A household's phone, street, postcode and city move together, so
they form one "location" comparison instead of four independent ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, Indel, JaroWinkler

from .records import RecordTable

__all__ = ["COMPARISONS", "ComparisonSpec", "PairComparisons", "compare_pairs"]

IntArray = npt.NDArray[np.int64]
Levels = npt.NDArray[np.int8]
Floats = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class ComparisonSpec:
    """A comparison's name and a human reason for each of its levels (index = level)."""

    name: str
    level_labels: tuple[str, ...]

    @property
    def n_levels(self) -> int:
        return len(self.level_labels)


COMPARISONS: tuple[ComparisonSpec, ...] = (
    ComparisonSpec(
        "first_name",
        (
            "different first name",
            "first name matches an initial",
            "roughly similar first name",
            "similar first name",
            "nickname of the first name",
            "same first name",
        ),
    ),
    ComparisonSpec(
        "last_name",
        ("different last name", "roughly similar last name", "similar last name", "same last name"),
    ),
    ComparisonSpec(
        "birth_date",
        (
            "different birth date",
            "same birth year",
            "birth date differs by a typo",
            "same birth date",
        ),
    ),
    ComparisonSpec(
        "location",
        (
            "different address and phone",
            "same postcode or city",
            "same postcode and city",
            "similar street",
            "same phone",
            "same street address",
            "same address and phone",
        ),
    ),
    ComparisonSpec(
        "email", ("different e-mail", "same e-mail name at another provider", "same e-mail")
    ),
    ComparisonSpec(
        "organisation",
        ("different organisation", "same organisation domain", "same organisation"),
    ),
    ComparisonSpec(
        "external_id", ("different external id", "similar external id", "same external id")
    ),
)
N_COMPARISONS = len(COMPARISONS)
COMPARISON_INDEX = {spec.name: i for i, spec in enumerate(COMPARISONS)}


@dataclass(slots=True)
class PairComparisons:
    """Levels for each pair (rows) and comparison (columns), plus flags used in reasons."""

    levels: npt.NDArray[np.int8]
    names_swapped: npt.NDArray[np.bool_]


def _similarity(scorer: object, left: object, right: object) -> Floats:
    if len(left) == 0:  # type: ignore[arg-type]
        return np.zeros(0, dtype=np.float32)
    workers = -1 if len(left) > 20_000 else 1  # type: ignore[arg-type]  # threads cost more than tiny batches
    result = process.cpdist(left, right, scorer=scorer, dtype=np.float32, workers=workers)  # type: ignore[call-overload]
    return np.asarray(result, dtype=np.float32)


def _present(values: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:
    return np.asarray(values != "", dtype=bool)


def _equal(left: npt.NDArray[np.object_], right: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:
    return np.asarray((left == right) & (left != ""), dtype=bool)


def _names(
    a: RecordTable, b: RecordTable, ia: IntArray, ib: IntArray
) -> tuple[Levels, Levels, npt.NDArray[np.bool_]]:
    fa, fb, la, lb = a.first[ia], b.first[ib], a.last[ia], b.last[ib]
    jw = JaroWinkler.normalized_similarity
    ff, ll = _similarity(jw, fa, fb), _similarity(jw, la, lb)
    fl, lf = _similarity(jw, fa, lb), _similarity(jw, la, fb)
    # "Smith John" typed for "John Smith": use the crossed similarities instead.
    swapped = (fl + lf > ff + ll + 0.1) & (np.minimum(fl, lf) >= 0.9)
    first_sim = np.where(swapped, fl, ff)
    last_sim = np.where(swapped, lf, ll)
    first_exact = np.where(swapped, fa == lb, fa == fb)
    last_exact = np.where(swapped, la == fb, la == lb)

    na, nb = a.nick_a[ia], a.nick_b[ia]
    ma, mb = b.nick_a[ib], b.nick_b[ib]
    nickname = ((na != 0) & ((na == ma) | (na == mb))) | ((nb != 0) & ((nb == ma) | (nb == mb)))
    nickname &= ~swapped
    len_a = np.fromiter((len(x) for x in fa), dtype=np.int16, count=len(fa))
    len_b = np.fromiter((len(x) for x in fb), dtype=np.int16, count=len(fb))
    initial_a = np.array([x[:1] for x in fa], dtype=object)
    initial_b = np.array([x[:1] for x in fb], dtype=object)
    initial = ((len_a == 1) | (len_b == 1)) & (initial_a == initial_b) & ~swapped

    first = np.zeros(len(ia), dtype=np.int8)
    first[initial] = 1
    first[(first_sim >= 0.80) & ~initial] = 2
    first[first_sim >= 0.92] = 3
    first[nickname] = 4
    first[first_exact] = 5
    first[(len_a == 0) | (len_b == 0)] = -1

    last = np.zeros(len(ia), dtype=np.int8)
    last[last_sim >= 0.80] = 1
    last[last_sim >= 0.92] = 2
    last[last_exact] = 3
    last[(la == "") | (lb == "")] = -1
    return first, last, swapped


def _birth_dates(da: npt.NDArray[np.int32], db: npt.NDArray[np.int32]) -> Levels:
    powers = 10 ** np.arange(8, dtype=np.int64)
    digits_a = (da.astype(np.int64)[:, None] // powers) % 10
    digits_b = (db.astype(np.int64)[:, None] // powers) % 10
    differ = digits_a != digits_b
    n_differ = differ.sum(axis=1)
    # Adjacent transposition: exactly two neighbouring digits differ and are swapped.
    swapped_pair = np.zeros(len(da), dtype=bool)
    for k in range(7):
        swapped_pair |= (
            differ[:, k]
            & differ[:, k + 1]
            & (digits_a[:, k] == digits_b[:, k + 1])
            & (digits_a[:, k + 1] == digits_b[:, k])
        )
    swapped_pair &= n_differ == 2
    year_a, year_b = da // 10000, db // 10000
    month_a, month_b = (da // 100) % 100, (db // 100) % 100
    day_a, day_b = da % 100, db % 100
    day_month_swap = (year_a == year_b) & (month_a == day_b) & (day_a == month_b)

    level = np.zeros(len(da), dtype=np.int8)
    level[year_a == year_b] = 1
    level[(n_differ == 1) | swapped_pair | day_month_swap] = 2
    level[da == db] = 3
    level[(da == 0) | (db == 0)] = -1
    return level


def _location(a: RecordTable, b: RecordTable, ia: IntArray, ib: IntArray) -> Levels:
    pa, pa2, pb, pb2 = a.phone_a[ia], a.phone_b[ia], b.phone_a[ib], b.phone_b[ib]
    phone = _equal(pa, pb) | _equal(pa, pb2) | _equal(pa2, pb) | _equal(pa2, pb2)
    sa, sb = a.street[ia], b.street[ib]
    street_sim = _similarity(Indel.normalized_similarity, sa, sb)
    street_sim[(sa == "") | (sb == "")] = 0.0
    ca, cb = a.city[ia], b.city[ib]
    city = _similarity(JaroWinkler.normalized_similarity, ca, cb) >= 0.92
    city &= _present(ca) & _present(cb)
    postcode = _equal(a.postcode[ia], b.postcode[ib])
    strong_street = street_sim >= 0.9

    level = np.zeros(len(ia), dtype=np.int8)
    level[postcode | city] = 1
    level[postcode & city] = 2
    level[(street_sim >= 0.75) & (postcode | city)] = 3
    level[phone] = 4
    level[strong_street] = 5
    level[strong_street & (phone | (postcode & city))] = 6
    has_a = _present(sa) | _present(ca) | _present(a.postcode[ia]) | _present(pa)
    has_b = _present(sb) | _present(cb) | _present(b.postcode[ib]) | _present(pb)
    level[~(has_a & has_b)] = -1
    return level


def _email(a: RecordTable, b: RecordTable, ia: IntArray, ib: IntArray) -> Levels:
    ea, ea2, eb, eb2 = a.email_a[ia], a.email_b[ia], b.email_a[ib], b.email_b[ib]
    same = _equal(ea, eb) | _equal(ea, eb2) | _equal(ea2, eb) | _equal(ea2, eb2)
    la, lb = a.email_local[ia], b.email_local[ib]
    level = np.zeros(len(ia), dtype=np.int8)
    # Same mailbox name at another provider; short generic names (info@) do not count.
    # Only exact: relatives' addresses differ by a digit (jgregory72 / jgregory73).
    lengths = np.fromiter((len(x) for x in la), dtype=np.int16, count=len(la))
    level[_equal(la, lb) & (lengths >= 5)] = 1
    level[same] = 2
    level[(ea == "") | (eb == "")] = -1
    return level


def _organisation(a: RecordTable, b: RecordTable, ia: IntArray, ib: IntArray) -> Levels:
    oa, ob = a.organisation[ia], b.organisation[ib]
    da, db = a.domain[ia], b.domain[ib]
    level = np.zeros(len(ia), dtype=np.int8)
    level[_equal(da, db)] = 1
    level[_equal(oa, ob)] = 2
    level[~((_present(oa) | _present(da)) & (_present(ob) | _present(db)))] = -1
    return level


def _external_id(a: RecordTable, b: RecordTable, ia: IntArray, ib: IntArray) -> Levels:
    xa, xb = a.external_id[ia], b.external_id[ib]
    distance = _similarity(DamerauLevenshtein.distance, xa, xb)
    level = np.zeros(len(ia), dtype=np.int8)
    level[distance <= 2] = 1
    level[_equal(xa, xb)] = 2
    level[(xa == "") | (xb == "")] = -1
    return level


def compare_pairs(
    a: RecordTable, b: RecordTable, ia: IntArray, ib: IntArray, *, batch_size: int = 500_000
) -> PairComparisons:
    """Comparison levels for pairs ``(a[ia[k]], b[ib[k]])``, in batches to bound memory."""
    n = len(ia)
    levels = np.empty((n, N_COMPARISONS), dtype=np.int8)
    swapped = np.zeros(n, dtype=bool)
    for start in range(0, n, batch_size):
        sl = slice(start, min(n, start + batch_size))
        xa, xb = ia[sl], ib[sl]
        first, last, swapped[sl] = _names(a, b, xa, xb)
        levels[sl, 0] = first
        levels[sl, 1] = last
        levels[sl, 2] = _birth_dates(a.dob[xa], b.dob[xb])
        levels[sl, 3] = _location(a, b, xa, xb)
        levels[sl, 4] = _email(a, b, xa, xb)
        levels[sl, 5] = _organisation(a, b, xa, xb)
        levels[sl, 6] = _external_id(a, b, xa, xb)
    return PairComparisons(levels=levels, names_swapped=swapped)
