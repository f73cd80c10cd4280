"""The analytics engine must never import Django: analysts run it on files without the app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_engine_and_cli_import_without_django() -> None:
    # given a fresh interpreter
    code = (
        "import sys; import rapport_analytics.clv, rapport_analytics.clv.cli, "
        "rapport_analytics.clv.simulate, rapport_analytics.segmentation, "
        "rapport_analytics.lifecycle; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'pandas'}))"
    )
    # when the engine, its CLI and segmentation are imported
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    # then neither Django nor pandas was loaded
    assert result.stdout.strip() == "[]"
