"""``rapport demo [--people N]``: a believable small business to explore."""

from __future__ import annotations

import importlib
import importlib.util
import random
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser

from rapport.people.demo import ensure_demo_users, seed_organizations, seed_people


class Command(BaseCommand):
    help = "Load demo data: two teams, their users, organisations and people."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=2000)
        parser.add_argument("--organizations", type=int, default=None, help="Default: people / 6.6")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] < 0:
            self.stderr.write("--people must be zero or more.")
            return
        rng = random.Random(options["seed"])
        teams = ensure_demo_users(rng)
        n_orgs = (
            options["organizations"]
            if options["organizations"] is not None
            else max(1, round(options["people"] * 0.15))
        )
        org_ids = seed_organizations(count=n_orgs, teams=teams, rng=rng)
        n = seed_people(
            count=options["people"],
            teams=teams,
            org_ids=org_ids,
            rng=rng,
            progress=options["verbosity"] > 1,
        )
        self.stdout.write(
            f"Demo data: {n:,} people, {len(org_ids):,} organisations, {len(teams)} teams."
        )
        # Feature apps add their own demo data (orders, activities, …) through a
        # ``seed_demo(*, rng, people, stdout)`` function in their ``demo`` module.
        for app in apps.get_app_configs():
            if app.name == "rapport.people" or not app.name.startswith("rapport."):
                continue
            if importlib.util.find_spec(f"{app.name}.demo") is None:
                continue
            module = importlib.import_module(f"{app.name}.demo")
            seed = getattr(module, "seed_demo", None)
            if seed is not None:
                seed(rng=rng, people=n, stdout=self.stdout)
