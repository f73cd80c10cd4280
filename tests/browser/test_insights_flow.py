"""Customer value in a real browser: the portfolio's charts, and building a segment."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def _customers_with_orders(workspace: Any, count: int = 150) -> None:
    """North customers with two years of model-drawn orders, then one recompute."""
    from rapport.insights.recompute import insights_recompute
    from rapport.people.models import Person
    from rapport.sales.demo import seed_demo

    Person.objects.bulk_create(
        Person(first_name=f"Client{i}", last_name="North", owner=workspace.rep, team=workspace.north)
        for i in range(count)
    )  # fmt: skip
    seed_demo(rng=random.Random(5), people=count, stdout=io.StringIO())
    run = insights_recompute(triggered_by=None)
    assert run.status == "done", run.message


def test_the_portfolio_renders_its_charts(page: Any, workspace: Any) -> None:
    from playwright.sync_api import expect

    _customers_with_orders(workspace)
    # Given the North manager is signed in, when she opens the portfolio from the menu
    sign_in(page, "mona")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolio").click()
    # Then the Pareto curve, the value histogram and the fit diagnostics are drawn
    expect(page.get_by_role("heading", name="Customer portfolio")).to_be_visible()
    lorenz = page.locator("svg.lorenz")
    expect(lorenz).to_be_visible()
    expect(lorenz).to_contain_text("Top 20%")
    expect(page.locator("svg.histogram rect").first).to_be_attached()
    expect(page.locator("svg.buckets")).to_be_visible()
    expect(page.locator("table.rfm td")).to_have_count(25)
    expect(page.get_by_text("Chosen model:")).to_be_visible()
    # and a recompute shows its progress, then its result
    page.get_by_role("button", name="Recompute now").click()
    expect(page.locator("#run-status")).to_contain_text("Computed", timeout=20_000)


def test_build_a_segment_and_open_the_filtered_list(
    page: Any, workspace: Any, make_person: Any
) -> None:
    from playwright.sync_api import expect

    make_person(first_name="Vera", last_name="Vip", tags=["vip"])
    make_person(first_name="Pat", last_name="Plain")
    sign_in(page, "rick")
    page.goto("/insights/segments/")
    page.get_by_role("link", name="New segment").click()
    page.get_by_label("Name").fill("VIP people")
    # When he adds a condition "Tag is vip"
    with page.expect_response(lambda r: r.request.method == "POST" and "/segments/" in r.url):
        page.get_by_label("Field").select_option("tag")  # the row re-renders for the field
    page.wait_for_timeout(200)
    page.get_by_label("Value").fill("vip")
    page.get_by_label("Value").press("Tab")
    # Then the member count updates live
    expect(page.locator("#segment-count")).to_contain_text("1 person match")
    # When he saves, the people list opens filtered by the segment
    page.get_by_role("button", name="Save segment").click()
    expect(page.get_by_role("heading", name="People")).to_be_visible()
    assert "segment=" in page.url
    expect(page.get_by_role("link", name="Vera Vip")).to_be_visible()
    expect(page.get_by_role("link", name="Pat Plain")).to_have_count(0)
