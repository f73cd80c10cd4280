"""Duplicate detection for people and organisations (pure Python + numpy; no Django).

Typical use by the app::

    model = fit_model(RecordTable.from_records(people), labels=reviewed_pairs)
    index = DuplicateIndex.build(people, model=model)          # keep in memory
    index.query(new_person)                                     # -> [QueryMatch]
    result = scan_table(RecordTable.from_records(people), model=model)
    clusters = cluster_pairs(left=result.left, right=result.right, scores=result.scores)
"""

from .cluster import Cluster, cluster_pairs
from .explain import pair_reasons, reason_text
from .index import DuplicateIndex, QueryMatch
from .model import MatchModel
from .records import FIELDS, Record, RecordTable
from .scan import ScanResult, find_duplicates, link_records, scan_table
from .training import Label, fit_model

__all__ = [
    "FIELDS",
    "Cluster",
    "DuplicateIndex",
    "Label",
    "MatchModel",
    "QueryMatch",
    "Record",
    "RecordTable",
    "ScanResult",
    "cluster_pairs",
    "find_duplicates",
    "fit_model",
    "link_records",
    "pair_reasons",
    "reason_text",
    "scan_table",
]
