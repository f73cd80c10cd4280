"""Reads: the objectives a user may see, with their progress, grouped by the model's steps."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from rapport.accounts.models import Team, User
from rapport.core.errors import NotFound
from rapport.core.indicators import Indicator, Scope, indicator
from rapport.objectives.access import can_see_objective, can_set_objective_for, objective_scope
from rapport.objectives.models import Objective, ObjectiveStatus
from rapport.objectives.progress import progress_of, series
from rapport.playbooks.annotations import Annotation
from rapport.playbooks.models import IndicatorSnapshot
from rapport.playbooks.models_catalog import CrmModel
from rapport.playbooks.templatetags.playbooks import in_unit
from rapport_analytics.objectives import ObjectiveProgress, Point

MAX_LISTED = 500


@dataclass
class ObjectiveRow:
    objective: Objective
    indicator: Indicator | None
    scope_label: str
    progress: ObjectiveProgress
    can_change: bool

    @property
    def percent_done(self) -> int:
        return max(0, min(100, round(100 * self.progress.progress)))

    @property
    def percent_expected(self) -> int:
        return round(100 * self.progress.expected)


def scope_label(kind: str, scope_id: int) -> str:
    if kind == "workspace":
        return "Workspace"
    if kind == "team":
        team = Team.objects.filter(pk=scope_id).first()
        return f"Team {team.name}" if team else "A team that was removed"
    owner = User.objects.filter(pk=scope_id).first()
    return f"{owner.get_username()}'s records" if owner else "A removed user's records"


def _row(
    user: User, objective: Objective, today: dt.date, points: list[Point] | None = None
) -> ObjectiveRow:
    scope = objective_scope(objective.scope_kind, objective.scope_id, user)
    return ObjectiveRow(
        objective=objective,
        indicator=indicator(objective.indicator),
        scope_label=scope_label(objective.scope_kind, objective.scope_id),
        progress=progress_of(objective, today=today, points=points),
        can_change=can_set_objective_for(user, scope),
    )


def objective_list(*, user: User) -> list[ObjectiveRow]:
    """Objectives whose scope the user may read in full, or that they own, soonest deadline first.

    A page lists many objectives on few scopes and indicators: access, labels and
    snapshot series are read once per scope or series, not once per objective."""
    today = timezone.localdate()
    found = list(Objective.objects.select_related("owner").order_by("deadline", "pk")[:MAX_LISTED])
    scope_keys = {(o.scope_kind, o.scope_id) for o in found}
    scopes = {key: objective_scope(key[0], key[1], user) for key in scope_keys}
    may_set = {key: can_set_objective_for(user, scope) for key, scope in scopes.items()}
    may_read = {key: scope.sees_everything_in_it() for key, scope in scopes.items()}
    visible = [o for o in found if o.owner_id == user.pk or may_read[(o.scope_kind, o.scope_id)]
               or may_set[(o.scope_kind, o.scope_id)]]  # fmt: skip
    if not visible:
        return []
    labels = {key: scope_label(*key) for key in {(o.scope_kind, o.scope_id) for o in visible}}
    start = min(o.start for o in visible)
    series_by_key: dict[tuple[str, str, int], list[Point]] = defaultdict(list)
    rows = IndicatorSnapshot.objects.filter(
        indicator__in={o.indicator for o in visible}, scope_kind__in={o.scope_kind for o in visible},
        scope_id__in={o.scope_id for o in visible}, day__gte=start, day__lte=today, value__isnull=False,
    ).order_by("day").values_list("indicator", "scope_kind", "scope_id", "day", "value")  # fmt: skip
    for key, kind, scope_id, day, value in rows:
        if value is not None:
            series_by_key[(key, kind, scope_id)].append(Point(day, value))
    result = []
    for o in visible:
        points = [
            p for p in series_by_key[(o.indicator, o.scope_kind, o.scope_id)] if p.day >= o.start
        ]
        result.append(ObjectiveRow(
            objective=o, indicator=indicator(o.indicator), scope_label=labels[(o.scope_kind, o.scope_id)],
            progress=progress_of(o, today=today, points=points), can_change=may_set[(o.scope_kind, o.scope_id)],
        ))  # fmt: skip
    return result


def objective_get(*, user: User, pk: int) -> Objective:
    found = Objective.objects.select_related("owner", "created_by").filter(pk=pk).first()
    if found is None or not can_see_objective(user, found):
        raise NotFound("No such objective, or you may not see it.")
    return found


@dataclass
class ObjectiveDetail:
    row: ObjectiveRow
    points: list[Point]
    chart: Chart


def objective_detail(*, user: User, pk: int) -> ObjectiveDetail:
    objective = objective_get(user=user, pk=pk)
    today = timezone.localdate()
    points = series(objective, today=today)
    row = _row(user, objective, today, points)
    return ObjectiveDetail(row, points, chart(objective, points, row.progress))


def objectives_by_step(
    rows: list[ObjectiveRow], model: CrmModel
) -> list[tuple[str, list[ObjectiveRow]]]:
    """Rows listed under each step of the model that measures their indicator; the rest last."""
    groups: list[tuple[str, list[ObjectiveRow]]] = []
    placed: set[int] = set()
    for step in model.all_steps():
        mine = [r for r in rows if r.objective.indicator in step.indicators]
        placed.update(r.objective.pk for r in mine)
        if mine:
            groups.append((step.name, mine))
    rest = [r for r in rows if r.objective.pk not in placed]
    if rest:
        groups.append(("Other indicators", rest))
    return groups


def settable_scopes(user: User) -> list[tuple[str, str]]:
    """(scope parameter, label) the user may set objectives for."""
    choices = (
        [("workspace", "Workspace")]
        + [(f"team:{t.pk}", f"Team {t.name}") for t in Team.objects.order_by("name")]
        + [(f"owner:{user.pk}", "My records")]
    )
    scopes = {"workspace": Scope(viewer=user)}
    allowed = []
    for value, label in choices:
        kind, _, raw = value.partition(":")
        scope = scopes.get(value) or Scope(kind, int(raw), user)  # type: ignore[arg-type]
        if can_set_objective_for(user, scope):
            allowed.append((value, label))
    return allowed


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    actual: str  # polyline points of the snapshots
    path: str  # the straight path from baseline to target
    projection: str  # the trend to the deadline ("" without one)
    target_y: float
    y_labels: list[tuple[float, str]]


def chart(objective: Objective, points: list[Point], progress: ObjectiveProgress) -> Chart:
    """An SVG line chart from the start to the deadline: values, the path, the trend."""
    width, height, pad = 600, 220, 30
    span = max(1, (objective.deadline - objective.start).days)
    values = [objective.baseline, objective.target, *(p.value for p in points)]
    if progress.projected is not None:
        values.append(progress.projected)
    low, high = min(values), max(values)
    if high == low:
        high = low + 1

    def xy(day: dt.date, value: float) -> str:
        x = pad + (width - 2 * pad) * (day - objective.start).days / span
        y = height - pad - (height - 2 * pad) * (value - low) / (high - low)
        return f"{x:.1f},{y:.1f}"

    actual = " ".join(xy(p.day, p.value) for p in points)
    path = f"{xy(objective.start, objective.baseline)} {xy(objective.deadline, objective.target)}"
    projection = ""
    if progress.projected is not None and points:
        projection = (
            f"{xy(points[-1].day, points[-1].value)} {xy(objective.deadline, progress.projected)}"
        )
    target_y = float(xy(objective.start, objective.target).split(",")[1])
    labels = [(float(xy(objective.start, v).split(",")[1]), f"{v:g}") for v in (low, high)]
    return Chart(width, height, actual, path, projection, target_y, labels)


def objective_annotations(user: User, keys: list[str]) -> dict[str, list[Annotation]]:
    """For the playbook page: each indicator's objectives the viewer may see, with status."""
    notes: dict[str, list[Annotation]] = {}
    for row in objective_list(user=user):
        if row.objective.indicator not in keys:
            continue
        o, unit = row.objective, row.indicator.unit if row.indicator else ""
        label = f"{o.title} ({in_unit(o.target, unit)} by {o.deadline:%-d %b %Y})"
        notes.setdefault(o.indicator, []).append(Annotation(
            label=label, url=reverse("objectives:detail", args=[o.pk]), status=row.progress.status,
            status_label=ObjectiveStatus(row.progress.status).label,
            behind=row.progress.status in ("at_risk", "off_track", "missed"),
        ))  # fmt: skip
    return notes
