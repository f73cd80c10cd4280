"""Record what every GET page and API route answers on demo data, to compare two commits.

A refactor that should change nothing is checked by running this on the commit
before and the commit after, then ``diff -r`` of the two folders:

    RAPPORT_DATA_DIR=$(mktemp -d) .venv/bin/python scripts/compare_responses.py /tmp/before
    (check out the other commit)
    RAPPORT_DATA_DIR=$(mktemp -d) .venv/bin/python scripts/compare_responses.py /tmp/after
    diff -r /tmp/before /tmp/after

Each file holds one user's answer to one URL: status, content type and the
body with what differs between two runs of the same commit masked (CSRF
tokens, CSP nonces, timestamps of when the demo was loaded, ETags).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

# No collectstatic here: the test settings' plain storage.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import URLPattern, URLResolver, get_resolver  # noqa: E402

from rapport.accounts.models import Role, User  # noqa: E402
from rapport.accounts.services import user_create  # noqa: E402

USERS = ("admin", "maria", "tom", "lucas")
IDS = ("1", "2", "7")
MASKS = [
    (
        re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'),
        'name="csrfmiddlewaretoken" value="…"',
    ),
    (re.compile(r'nonce="[^"]+"'), 'nonce="…"'),
    (re.compile(r'data-csrf-token="[^"]+"'), 'data-csrf-token="…"'),
    (re.compile(r'"duration_seconds": [0-9.]+'), '"duration_seconds": …'),
    (re.compile(r" in [0-9.]+ s\."), " in … s."),
    (re.compile(r'"X-CSRFToken": "[^"]+"|csrftoken=[^;"&\s]+'), "csrf…"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?"), "TS"),
    (re.compile(r"\b\d{1,2}:\d\d(:\d\d)?\b"), "HH:MM"),
    (re.compile(r'W/"[^"]*"|"[0-9a-f]{16,}"'), "ETAG"),
    (re.compile(r"[?&]cursor=[A-Za-z0-9_\-=%]+"), "?cursor=…"),
    (re.compile(r'"(next|previous)": "[^"]+"'), r'"\1": "…"'),
]


def walk(patterns, prefix: str = "") -> list[str]:
    """Every route as a path, each converter filled with a few ids."""
    out: list[str] = []
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            out.extend(walk(p.url_patterns, route))
        elif isinstance(p, URLPattern):
            out.extend(fill(route))
    return out


def fill(route: str) -> list[str]:
    route = route.lstrip("^").rstrip("$")
    if "(?P" in route or "\\" in route:
        return []  # regex routes (static files)
    params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    if not params:
        return ["/" + route]
    if any(conv not in ("int", "") for conv, _ in params):
        return []
    paths = []
    for value in IDS:
        paths.append("/" + re.sub(r"<(?:\w+:)?\w+>", value, route))
    return paths


def mask(text: str) -> str:
    for pattern, repl in MASKS:
        text = pattern.sub(repl, text)
    return text


def main(out_dir: Path) -> None:
    call_command("migrate", verbosity=0)
    call_command("demo", people=300, seed=7, verbosity=0)
    user_create(username="admin", role=Role.ADMIN)
    paths = sorted(set(walk(get_resolver().url_patterns)))
    skip = ("/logout", "/static", "/media", "/healthz")
    out_dir.mkdir(parents=True, exist_ok=True)
    count = 0
    for username in USERS:
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(username=username))
        for path in paths:
            if path.startswith(skip) or "unsubscribe" in path or "calendar" in path:
                continue
            response = client.get(path, HTTP_ACCEPT="text/html,application/json")
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode("utf-8", "replace")
            if response.get("Content-Type", "").startswith("application/json"):
                with contextlib.suppress(ValueError):
                    text = json.dumps(json.loads(text), indent=1, sort_keys=True)
            name = (username + path).replace("/", "~")
            head = f"{response.status_code} {response.get('Content-Type', '')} {response.get('Location', '')}\n"
            (out_dir / name).write_text(mask(head + text))
            count += 1
    print(f"{count} answers written to {out_dir}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
