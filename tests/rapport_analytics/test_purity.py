"""The analytics engine must never import Django: analysts run it on files without the app."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Among the modules walked: each package, both command lines, and the app's scoring.
EXPECTED = {
    "rapport_analytics.clv", "rapport_analytics.clv.cli", "rapport_analytics.matching",
    "rapport_analytics.matching.cli", "rapport_analytics.segmentation", "rapport_analytics.scoring",
}  # fmt: skip


def test_every_engine_module_imports_without_django() -> None:
    # given a fresh interpreter
    code = (
        "import importlib, pkgutil, sys; import rapport_analytics as engine; "
        "names = [m.name for m in pkgutil.walk_packages(engine.__path__, 'rapport_analytics.')]; "
        "[importlib.import_module(name) for name in names]; "
        "print(sorted(names)); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'pandas'}))"
    )
    # when every module of the engine is imported: models, CLIs, scoring, matching
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    imported, loaded = (ast.literal_eval(line) for line in result.stdout.splitlines())
    # then it walked all the packages, and neither Django nor pandas was loaded
    assert set(imported) >= EXPECTED
    assert loaded == []
