"""Demo data: today's indicator snapshot, so the playbook page reads stored values at once.

Runs last among the feature apps (``INSTALLED_APPS`` order), after orders, scores,
activities and campaigns exist.
"""

from __future__ import annotations

import random
from typing import Any

from rapport.playbooks.services import snapshot_take


def seed_demo(*, rng: random.Random, people: int, stdout: Any) -> None:
    stdout.write(f"Playbooks: {snapshot_take().summary()}")
