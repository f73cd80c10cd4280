"""The recompute job on a seeded workspace: scores stored, history kept, the run described."""

from __future__ import annotations

from typing import Any

from rapport.insights.models import CustomerScore, InsightsSettings, ModelRun
from rapport.insights.recompute import insights_recompute
from rapport.insights.services import recompute_request


def test_a_recompute_scores_every_customer_and_records_the_model(seeded: Any) -> None:
    # when the models are recomputed
    run = insights_recompute(triggered_by=None)
    # then it succeeded and says which model, when, and how well it predicted the holdout
    assert run.status == "done", run.message
    assert run.model in {"bgnbd", "pnbd"} and run.fitted_at is not None
    assert run.calibration_end < run.holdout_end
    assert set(run.diagnostics) >= {"mae", "rmse", "correlation", "buckets", "comparison"}
    assert {m["model"] for m in run.diagnostics["comparison"]} == {"bgnbd", "pnbd"}
    assert run.params and run.spend_params and run.duration_seconds is not None
    # and every customer with orders in the main currency has one latest score
    assert run.currency == "EUR"
    assert run.n_customers == 103
    latest = CustomerScore.objects.filter(is_latest=True)
    assert latest.count() == 103
    assert latest.filter(organization=seeded["acme"]).exists()
    # and the loyal buyer is more likely alive and worth more than the lapsed one
    bob = latest.get(person=seeded["bob"])
    ana = latest.get(person=seeded["ana"])
    assert bob.p_alive > ana.p_alive
    assert bob.predicted_value > ana.predicted_value
    assert bob.orders == 24 and bob.historical_value == 24 * 250
    assert {s.tier for s in latest} == {"A", "B", "C"}


def test_history_is_kept_and_latest_moves_to_the_new_run(seeded: Any) -> None:
    first = insights_recompute(triggered_by=None)
    second = insights_recompute(triggered_by=None)
    bob_scores = CustomerScore.objects.filter(person=seeded["bob"]).order_by("scored_at")
    assert [s.run_id for s in bob_scores] == [first.pk, second.pk]
    assert [s.is_latest for s in bob_scores] == [False, True]


def test_the_model_setting_is_honoured(seeded: Any) -> None:
    settings = InsightsSettings.current()
    settings.purchase_model = "bgnbd"
    settings.save()
    run = insights_recompute(triggered_by=None)
    assert run.model == "bgnbd" and run.choice_reason == "chosen by the user"


def test_too_few_orders_is_a_clear_failure_not_a_crash(workspace: Any) -> None:
    run = insights_recompute(triggered_by=workspace.admin)
    assert run.status == "failed"
    assert "no completed orders" in run.message


def test_a_manager_queues_a_recompute_that_the_worker_runs(seeded: Any, workspace: Any) -> None:
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        run = recompute_request(actor=workspace.manager)
    run.refresh_from_db()
    assert run.status == "done" and run.triggered_by == workspace.manager
    assert ModelRun.objects.count() == 1
