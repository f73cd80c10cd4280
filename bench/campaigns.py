"""A campaign to 100,000 recipients rendered and handed to a local SMTP sink.

    .venv/bin/python bench/campaigns.py                         # 100,000 recipients on SQLite
    .venv/bin/python bench/campaigns.py --recipients 20000
    .venv/bin/python bench/campaigns.py --postgres-url postgres://postgres@127.0.0.1:5432/rapport_campaigns_bench

Seeds people with marketing consent, a marketing template with merge fields and a
campaign to all of them, then runs the worker's send loop (``campaign_run``) in this
process with the rate limit off, against an aiosmtpd sink in its own process on
loopback (so the sink does not share our interpreter), exactly as in production:
messages are rendered from the campaign's prepared template, claimed in committed
UPDATEs (a few milliseconds' worth per commit, the loopback sink being fast) and
handed over by courier threads on two SMTP connections (``services/handoff.py``).
The timeline entries the worker writes afterwards (one activity per recipient, a
separate job) are timed apart. The worker's URL routes are loaded before the clock
starts, as in a long-running worker. Figures go to bench/results/campaigns.json,
with the CPU each side spent per message (sender: this process; sink: its process)
and the sink's ceiling: a bare smtplib loop with pre-built messages on the same
number of connections, the most any sender could get from this sink at that moment.
The sink is one aiosmtpd process (one asyncio loop), as in the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "campaigns.json"
TARGET_PER_SECOND = 1000.0

SINK = """
import asyncio, signal, sys
from aiosmtpd.controller import Controller
class Count:
    n = 0
    async def handle_DATA(self, server, session, envelope):
        Count.n += 1
        return "250 OK"
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
c = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
signal.sigwait([signal.SIGTERM, signal.SIGINT])
c.stop()
print(Count.n, flush=True)
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--sqlite-dir", default="/tmp/bench-campaigns-sqlite")
    parser.add_argument("--postgres-url", default="", help="run on PostgreSQL instead of SQLite")
    parser.add_argument(
        "--timeline",
        type=int,
        default=5000,
        help="recipients whose timeline entries are timed (0: skip)",
    )
    return parser.parse_args(argv)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _setup(args: argparse.Namespace, port: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.pop("DATABASE_URL", None)
    data_dir = Path(args.sqlite_dir + ("-pg" if args.postgres_url else ""))
    data_dir.mkdir(parents=True, exist_ok=True)
    for leftover in data_dir.glob("*.sqlite3*"):
        leftover.unlink()
    if args.postgres_url:
        import psycopg

        base, name = args.postgres_url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = args.postgres_url
    os.environ.update(
        {
            "RAPPORT_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "RAPPORT_EMAIL_HOST": "127.0.0.1",
            "RAPPORT_EMAIL_PORT": str(port),
            "RAPPORT_FROM_EMAIL": "news@example.com",
            "RAPPORT_EMAIL_RATE_PER_MINUTE": "0",
            "RAPPORT_LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _seed(count: int) -> int:
    from django.utils import timezone

    from rapport.accounts.services import user_create
    from rapport.campaigns.models import Campaign, CampaignStatus
    from rapport.campaigns.services.campaigns import campaign_create
    from rapport.campaigns.services.templates import template_create
    from rapport.people.models import Person

    boss, _ = user_create(username="boss", role="admin", password=secrets.token_urlsafe(16))
    batch = 10_000
    for start in range(0, count, batch):
        Person.objects.bulk_create(
            [
                Person(
                    first_name=f"First{i}",
                    last_name=f"Last{i}",
                    email=f"p{i}@example.com",
                    email_consent="granted",
                    owner=boss,
                )
                for i in range(start, min(count, start + batch))
            ],
            batch_size=batch,
        )
    template = template_create(
        actor=boss,
        data={
            "name": "Newsletter",
            "kind": "marketing",
            "subject": "News for {{ person.first_name }}",
            "body_text": "Hello {{ person.full_name }},\n\nYour contact is {{ owner.display_name }}.\n"
            + "Here is what is new this month. " * 20,
            "body_html": "<p>Hello {{ person.first_name }}</p>"
            + "<p>Here is what is new this month.</p>" * 20,
        },
    )
    ids = list(Person.objects.values_list("pk", flat=True))
    campaign = campaign_create(
        actor=boss,
        data={
            "name": "Bench",
            "template_id": template.pk,
            "audience_kind": "static",
            "person_ids": ids,
        },
    )
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.SCHEDULED, scheduled_at=timezone.now()
    )
    return campaign.pk


CEILING_MESSAGES = 3000


def _sink_ceiling(port: int, connections: int, count: int = CEILING_MESSAGES // 2) -> float:
    """Messages per second bare smtplib loops (one thread per connection) get into the
    same sink right now with pre-built messages: the most a sender could reach here now."""
    import smtplib
    import threading

    body = b"Subject: x\r\n\r\n" + (b"Here is what is new this month.\r\n" * 20)

    def loop(n: int) -> None:
        client = smtplib.SMTP("127.0.0.1", port)
        for i in range(n):
            client.sendmail("news@example.com", [f"ceiling{i}@example.com"], body)
        client.quit()

    threads = [
        threading.Thread(target=loop, args=(count // connections,)) for _ in range(connections)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count // connections * connections / (time.perf_counter() - started)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    port = _free_port()
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)], stdout=subprocess.PIPE, text=True
    )
    assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
    try:
        ceiling_one = _sink_ceiling(port, connections=1)
        ceiling = _sink_ceiling(port, connections=2)  # as many as handoff.CONNECTIONS
        _setup(args, port)
        started = time.perf_counter()
        campaign_id = _seed(args.recipients)
        seed_seconds = time.perf_counter() - started
        rss_after_seed = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        from huey.contrib.djhuey import HUEY

        from rapport.campaigns.models import CampaignRecipient
        from rapport.campaigns.services.runner import campaign_run

        # The timeline job is enqueued, not run, during the send (as with a real worker).
        HUEY.immediate = False
        # A worker process is long-lived: its URL routes (for the unsubscribe links) are
        # loaded once, not per campaign, so that one-off import is not timed here.
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018
        sink_cpu, sender_cpu = _cpu_seconds(sink.pid), time.process_time()
        started = time.perf_counter()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            with cProfile.Profile() as profile:
                outcome = campaign_run(campaign_id)
            profile.dump_stats(os.environ["BENCH_PROFILE"])
        else:
            outcome = campaign_run(campaign_id)
        send_seconds = time.perf_counter() - started
        sender_cpu = time.process_time() - sender_cpu
        sink_cpu = _cpu_seconds(sink.pid) - sink_cpu
    finally:
        sink.terminate()
        out, _ = sink.communicate(timeout=60)
    received = int(out.strip().splitlines()[-1]) - CEILING_MESSAGES  # less the ceiling runs
    sent = CampaignRecipient.objects.filter(campaign_id=campaign_id, status="sent").count()
    timeline: dict[str, Any] = {}
    if args.timeline:
        from rapport.campaigns.services.inbound import record_campaign_sends

        ids = list(
            CampaignRecipient.objects.filter(campaign_id=campaign_id).values_list("pk", flat=True)[
                : args.timeline
            ]
        )
        started = time.perf_counter()
        for start in range(0, len(ids), 500):
            record_campaign_sends(campaign_id, ids[start : start + 500])
        seconds = time.perf_counter() - started
        timeline = {
            "recipients": len(ids),
            "seconds": round(seconds, 2),
            "per_second": round(len(ids) / seconds),
        }
    rate = received / send_seconds
    from django.db import connection

    result = {
        "database": connection.vendor, "recipients": args.recipients, "outcome": outcome,
        "seed_seconds": round(seed_seconds, 1), "send_seconds": round(send_seconds, 2),
        "received_by_sink": received, "marked_sent": sent, "messages_per_second": round(rate),
        "target_per_second": TARGET_PER_SECOND,
        "sink_ceiling_per_second": round(ceiling),
        "sink_ceiling_one_connection_per_second": round(ceiling_one),
        "meets_target": rate >= TARGET_PER_SECOND,
        "sender_cpu_us_per_message": round(sender_cpu / received * 1e6),
        "sink_cpu_us_per_message": round(sink_cpu / received * 1e6),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_rss_mb_after_seeding": round(rss_after_seed),
        "timeline": timeline, "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(), "measured_at": time.strftime("%Y-%m-%d %H:%M"),
    }  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    previous[connection.vendor] = result
    RESULTS.write_text(json.dumps(previous, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0 if received == sent == args.recipients else 1


if __name__ == "__main__":
    sys.exit(main())
