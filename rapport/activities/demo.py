"""Demo history: notes, calls and meetings on a few hundred people, and open tasks per user.

Called by ``rapport demo`` after people exist; everything goes in with bulk_create.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from rapport.accounts.models import Role, User
from rapport.activities.models import Activity, ActivityKind, ActivityLink, Priority, Task
from rapport.people.models import Affiliation, Person

NOTES = [
    "Prefers e-mail over calls. Decides with **{first}**'s partner.",
    "Asked about bulk pricing for the spring range.\n- sample box sent\n- follow up in two weeks",
    "Unhappy with the last delivery (late, one item damaged). Offered a *10% credit*.",
    "Met at the trade fair; interested in the loyalty programme.",
    "Renewal coming up in Q3. Budget is tight this year.",
]
CALLS = [("Follow-up on the quote", "Interested"), ("Delivery problem", "Resolved"),
         ("Renewal check-in", "Call back next month"), ("Intro call", "No answer"),
         ("Upsell: premium plan", "Not now")]  # fmt: skip
MEETINGS = ["Quarterly review", "Product demo", "Tasting session", "Contract negotiation"]
TASKS = ["Send the revised quote", "Call back about the delivery", "Prepare the renewal offer",
         "Book a demo", "Check payment status", "Send the sample box", "Update the contact details"]  # fmt: skip
HISTORY_PEOPLE = 400


def seed_demo(*, rng: random.Random, people: int, stdout: Any) -> None:
    users = list(User.objects.filter(is_active=True).exclude(role=Role.VIEWER))
    if not users or not people:
        return
    now = timezone.now()
    chosen = list(
        Person.objects.order_by("id").values_list("id", "first_name", "owner_id")[:HISTORY_PEOPLE]
    )
    org_of = dict(
        Affiliation.objects.filter(person_id__in=[p for p, _, _ in chosen]).values_list(
            "person_id", "organization_id"
        )
    )
    by_id = {u.pk: u for u in users}
    activities: list[Activity] = []
    targets: list[tuple[int, int | None]] = []
    for person_id, first, owner_id in chosen:
        actor = by_id.get(owner_id) or rng.choice(users)
        for _ in range(rng.randint(1, 8)):
            when = now - timedelta(days=rng.uniform(0, 540), minutes=rng.randrange(0, 600))
            kind = rng.choices(
                [ActivityKind.NOTE, ActivityKind.CALL, ActivityKind.MEETING], [4, 4, 2]
            )[0]
            if kind == ActivityKind.NOTE:
                item = Activity(kind=kind, body=rng.choice(NOTES).format(first=first or "them"))
            elif kind == ActivityKind.CALL:
                subject, outcome = rng.choice(CALLS)
                item = Activity(
                    kind=kind, subject=subject, outcome=outcome, duration_minutes=rng.randint(2, 40)
                )
            else:
                item = Activity(
                    kind=kind,
                    subject=rng.choice(MEETINGS),
                    duration_minutes=rng.choice([30, 45, 60]),
                )
            item.actor = actor
            item.occurred_at = item.created_at = item.updated_at = when
            activities.append(item)
            targets.append(
                (person_id, org_of.get(person_id) if kind == ActivityKind.MEETING else None)
            )
    Activity.objects.bulk_create(activities, batch_size=2000)
    links = []
    for activity, (person_id, org_id) in zip(activities, targets, strict=True):
        common = {
            "activity_id": activity.pk,
            "occurred_at": activity.occurred_at,
            "kind": activity.kind,
        }
        links.append(ActivityLink(person_id=person_id, **common))
        if org_id:
            links.append(ActivityLink(organization_id=org_id, **common))
    ActivityLink.objects.bulk_create(links, batch_size=2000)

    tasks = []
    for user in users:
        for i in range(5):
            # two overdue, one later today, the rest over the next fortnight
            offset = [timedelta(days=-3), timedelta(hours=-5), timedelta(hours=2)][i] if i < 3 \
                else timedelta(days=rng.randint(1, 14), hours=rng.randint(0, 8))  # fmt: skip
            due = now + offset
            tasks.append(Task(title=rng.choice(TASKS), assignee=user, created_by=user, due_at=due,
                              remind_at=due if due > now else None,
                              priority=rng.choice([Priority.NORMAL, Priority.NORMAL, Priority.HIGH])))  # fmt: skip
    Task.objects.bulk_create(tasks)
    person_ids = [p for p, _, _ in chosen] or [None]
    through = Task.people.through
    through.objects.bulk_create(
        [through(task_id=t.pk, person_id=rng.choice(person_ids)) for t in tasks if person_ids[0]]
    )
    stdout.write(
        f"Demo activities: {len(activities):,} notes, calls and meetings; {len(tasks)} open tasks."
    )
