from django.apps import AppConfig


class ObjectivesConfig(AppConfig):
    """Objectives on indicators: a target by a deadline, tracked from the daily snapshots."""

    name = "rapport.objectives"
    label = "objectives"

    def ready(self) -> None:
        from rapport.core.events import subscribe
        from rapport.objectives.subscribers import evaluate_after_snapshot, notify_owner

        subscribe("indicators.snapshot_taken", evaluate_after_snapshot, phase="after_commit",
                  consumer="objectives.evaluate_after_snapshot")  # fmt: skip
        from rapport.objectives.selectors import objective_annotations
        from rapport.playbooks.annotations import register_annotator

        register_annotator(objective_annotations)
        for name in ("objective.off_track", "objective.missed"):
            subscribe(name, notify_owner, phase="after_commit", consumer="objectives.notify_owner")
