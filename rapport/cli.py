"""The ``rapport`` command.

``rapport clv ...`` and ``rapport duplicates ...`` run the pure analytics engine
on files and never start Django; everything else is a Django management command
(``rapport serve``, ``rapport demo``, ``rapport user create``, ``rapport migrate``…).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "clv":
        from rapport_analytics.clv.cli import main as clv_main

        return clv_main(args[1:])
    if args and args[0] == "duplicates" and len(args) > 1 and "--csv" in args:
        from rapport_analytics.matching.cli import main as duplicates_main

        return duplicates_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Whatever Rapport creates (the SQLite database and its journal, huey's queue, logs,
    # exports) is for its owner only: personal data.
    os.umask(0o077)
    from django.core.management import execute_from_command_line

    from config.env import ConfigurationError

    try:
        execute_from_command_line(["rapport", *args])
    except ConfigurationError as exc:
        print(f"rapport: configuration error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
