"""What other apps add beside an indicator on the playbook page (objectives, for now).

The playbook page must not import the apps that build on it (objectives read the
playbook's snapshots), so they register an annotator here from their ``ready()``:
a function from the viewer and the indicator keys on the page to notes per key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from rapport.accounts.models import User


@dataclass(frozen=True)
class Annotation:
    label: str  # "Objective: 75% by 1 Mar 2027"
    url: str
    status: str = ""  # on_track, at_risk, off_track, achieved, missed; "" for none
    status_label: str = ""  # "Off track"
    behind: bool = False  # at risk or off track: the step needs attention


Annotator = Callable[[User, list[str]], dict[str, list[Annotation]]]
_annotators: list[Annotator] = []


def register_annotator(annotator: Annotator) -> None:
    if annotator not in _annotators:
        _annotators.append(annotator)


def annotations_for(user: User, keys: list[str]) -> dict[str, list[Annotation]]:
    merged: dict[str, list[Annotation]] = defaultdict(list)
    for annotator in _annotators:
        for key, notes in annotator(user, keys).items():
            merged[key].extend(notes)
    return dict(merged)
