"""Reads: assessment rounds, their results per statement and area, and the radar's shape."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse

from rapport.accounts.models import User
from rapport.assessments.catalog import FRAMEWORKS, STATEMENTS, Statement, areas
from rapport.assessments.models import Assessment, AssessmentAnswer, ModelQuestionnaire
from rapport.assessments.services import can_run_assessments
from rapport.core.errors import NotFound

WEAK_BELOW = 3.0  # a mean under "defined" (3) links to what addresses it


def assessment_list(*, user: User) -> QuerySet[Assessment]:
    """Every round: an assessment is about the workspace, so every signed-in user sees it."""
    return Assessment.objects.select_related("created_by").order_by("-created_at", "-id")


def assessment_get(*, user: User, pk: int) -> Assessment:
    found = assessment_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound("No such assessment.")
    return found


def my_answers(*, user: User, assessment: Assessment) -> dict[str, AssessmentAnswer]:
    rows = AssessmentAnswer.objects.filter(assessment=assessment, respondent=user)
    return {a.statement_key: a for a in rows}


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Evidence:
    key: str
    label: str
    value: float | None
    unit: str

    @property
    def display(self) -> str:
        if self.value is None:
            return "not measured yet"
        if self.unit == "share":
            return f"{self.value:.0%}"
        return f"{self.value:,.1f}".removesuffix(".0")


def statement_links(statement: Statement) -> list[Link]:
    labels = feature_labels()
    return [Link(labels.get(name, name), reverse(name)) for name in statement.features]


def feature_labels() -> dict[str, str]:
    """Page names as the playbooks catalogue calls them (one vocabulary for both)."""
    from rapport.playbooks import models_catalog

    found = {}
    for value in vars(models_catalog).values():
        if isinstance(value, models_catalog.Feature):
            found[value.url_name] = value.label
    found.setdefault("playbooks:playbook", "Playbook")
    return found


@dataclass
class StatementResult:
    statement: Statement
    count: int = 0
    mean: float | None = None
    low: int | None = None  # the spread: shown to those who run assessments
    high: int | None = None
    mine: int | None = None
    scores: list[tuple[str, int]] = field(default_factory=list)  # (respondent, score) for runners
    links: list[Link] = field(default_factory=list)  # the pages that address it
    evidence: list[Evidence] = field(default_factory=list)  # what the data says, beside the score

    @property
    def weak(self) -> bool:
        return self.mean is not None and self.mean < WEAK_BELOW


@dataclass
class AreaResult:
    framework: str
    area: str
    statements: list[StatementResult]

    @property
    def mean(self) -> float | None:
        means = [s.mean for s in self.statements if s.mean is not None]
        return sum(means) / len(means) if means else None

    @property
    def mine(self) -> float | None:
        mine = [s.mine for s in self.statements if s.mine is not None]
        return sum(mine) / len(mine) if mine else None

    @property
    def weak(self) -> bool:
        return any(s.weak for s in self.statements)


@dataclass
class FrameworkResult:
    key: str
    name: str
    areas: list[AreaResult]

    def radar(self, size: int = 300) -> Radar:
        return radar([(a.area, a.mean, a.mine) for a in self.areas], size=size)


@dataclass
class AssessmentResults:
    assessment: Assessment
    respondents: int
    frameworks: list[FrameworkResult]
    shows_spread: bool


def assessment_results(*, user: User, assessment: Assessment) -> AssessmentResults:
    """Per statement: how many answered, the mean, and (for managers and admins) the
    lowest and highest score and who gave which; everyone sees their own score."""
    shows_spread = can_run_assessments(user)
    rows = AssessmentAnswer.objects.filter(assessment=assessment).select_related("respondent")
    by_key: dict[str, list[AssessmentAnswer]] = defaultdict(list)
    respondents: set[int] = set()
    for row in rows.order_by("respondent__username"):
        by_key[row.statement_key].append(row)
        respondents.add(row.respondent_id)
    results: dict[str, StatementResult] = {}
    found = statement_evidence(user=user, keys=[k for s in STATEMENTS for k in s.indicators])
    for statement in STATEMENTS:
        answers = by_key.get(statement.key, [])
        result = StatementResult(statement)
        if answers:
            scores = [a.score for a in answers]
            result.count = len(scores)
            result.mean = sum(scores) / len(scores)
            result.mine = next((a.score for a in answers if a.respondent_id == user.pk), None)
            if shows_spread:
                result.low, result.high = min(scores), max(scores)
                result.scores = [(a.respondent.get_username(), a.score) for a in answers]
        result.links = statement_links(statement)
        result.evidence = [found[k] for k in statement.indicators if k in found]
        results[statement.key] = result
    frameworks = []
    for key, name in FRAMEWORKS.items():
        area_results = [
            AreaResult(key, area, [results[s.key] for s in STATEMENTS
                                   if s.framework == key and s.area == area])
            for area in areas(key)
        ]  # fmt: skip
        frameworks.append(FrameworkResult(key, name, area_results))
    return AssessmentResults(assessment, len(respondents), frameworks, shows_spread)


def assessment_history(
    *, user: User, limit: int = 12
) -> list[tuple[Assessment, dict[str, float | None]]]:
    """The latest rounds, oldest first, each with its mean score per framework (progress over time)."""
    rounds = list(assessment_list(user=user)[:limit])[::-1]
    means: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    framework_of = {s.key: s.framework for s in STATEMENTS}
    rows = AssessmentAnswer.objects.filter(assessment__in=rounds).values_list(
        "assessment_id", "statement_key", "score"
    )
    for assessment_id, key, score in rows:
        if key in framework_of:
            means[assessment_id][framework_of[key]].append(score)
    return [
        (a, {f: (sum(v) / len(v) if (v := means[a.pk].get(f)) else None) for f in FRAMEWORKS})
        for a in rounds
    ]


def questionnaires(*, user: User, limit: int = 5) -> QuerySet[ModelQuestionnaire]:
    return ModelQuestionnaire.objects.select_related("answered_by")[:limit]


@dataclass(frozen=True)
class RadarAxis:
    label: str
    x: float  # where the axis ends (score 5)
    y: float
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class Radar:
    size: int
    centre: float
    axes: list[RadarAxis]
    rings: list[str]  # polygon points for scores 1..5
    team: str  # polygon points of the mean scores ("" when nothing is answered)
    mine: str


def radar(values: list[tuple[str, float | None, float | None]], *, size: int = 300) -> Radar:
    """An SVG radar: one axis per area, clockwise from the top, scores 0 (centre) to 5 (rim).
    An unanswered area counts as 0 on the polygon, so a gap shows as a dent."""
    centre, radius = size / 2, size / 2 - 60
    n = max(1, len(values))

    def point(i: int, score: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * score / 5
        return round(centre + r * math.cos(angle), 1), round(centre + r * math.sin(angle), 1)

    def polygon(scores: list[float]) -> str:
        return " ".join(f"{x},{y}" for x, y in (point(i, s) for i, s in enumerate(scores)))

    axes = []
    for i, (label, _, _) in enumerate(values):
        x, y = point(i, 5)
        lx, ly = point(i, 5.9)
        anchor = "middle" if abs(lx - centre) < 5 else ("start" if lx > centre else "end")
        axes.append(RadarAxis(label, x, y, lx, ly, anchor))
    team = [v if v is not None else 0.0 for _, v, _ in values]
    mine = [m if m is not None else 0.0 for _, _, m in values]
    return Radar(
        size=size,
        centre=centre,
        axes=axes,
        rings=[polygon([float(level)] * n) for level in range(1, 6)],
        team=polygon(team) if any(v is not None for _, v, _ in values) else "",
        mine=polygon(mine) if any(m is not None for _, _, m in values) else "",
    )


def statement_evidence(*, user: User, keys: list[str]) -> dict[str, Evidence]:
    """The indicators' latest values for this viewer (from the snapshots where the viewer
    may read them, so the page never scans the data), shown beside the self-scores."""
    from rapport.playbooks.selectors import default_scope, indicator_states

    states = indicator_states(keys, default_scope(user))
    return {
        key: Evidence(key, st.indicator.name, st.value, st.indicator.unit)
        for key, st in states.items()
    }
