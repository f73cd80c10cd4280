"""The note formatter, the iCalendar writer and the timeline's merge and cursor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from rapport.activities.ical import escape_text, fold
from rapport.activities.markdown import mentioned_usernames, render_markdown
from rapport.activities.timeline import (
    Cursor,
    TimelineItem,
    register_timeline_source,
    timeline_page,
)


def test_markdown_subset_escapes_everything_else() -> None:
    html = render_markdown(
        'Hi **Ana** & *team*\n- one `<b>`\n\n<img src=x onerror=alert(1)> [site](https://x.test/?a=1&b="2")'
    )
    assert "<strong>Ana</strong> &amp; <em>team</em>" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert (
        '<a href="https://x.test/?a=1&amp;b=&quot;2&quot;" rel="nofollow noopener noreferrer">site</a>'
        in html
    )
    assert "<code>&lt;b&gt;</code>" in html


def test_markdown_lists_links_only_to_safe_schemes() -> None:
    assert render_markdown("- a\n- b") == "<ul><li>a</li><li>b</li></ul>"
    assert "<a" not in render_markdown("[x](javascript:alert(1))")


def test_mentions_are_usernames_not_email_addresses() -> None:
    assert mentioned_usernames("ping @Rita and @sam. mail ana@example.com") == {"rita", "sam"}
    assert '<span class="mention">@rita</span>' in render_markdown("cc @rita")


def test_ical_text_is_escaped_and_folded_at_75_octets() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "é" * 60
    folded = fold(line)
    pieces = folded.split("\r\n ")
    assert "".join(pieces) == line
    assert all(len(p.encode()) <= 75 for p in pieces[:1]) and all(
        len(p.encode()) <= 74 for p in pieces[1:]
    )


def _items(source: str, times: list[datetime]) -> Any:
    def fn(*, record: Any, user: Any, before: Cursor | None, limit: int) -> list[TimelineItem]:
        items = [TimelineItem(occurred_at=t, kind="order", title=f"{source}{i}", source=source, key=i)
                 for i, t in enumerate(times)]  # fmt: skip
        if before is not None:
            items = [
                i for i in items if i.position < (before.occurred_at, before.source, before.key)
            ]
        return sorted(items, key=lambda i: i.position, reverse=True)[:limit]

    return fn


def test_registered_sources_merge_by_time_and_page_without_repeats(
    workspace: Any, make_person: Any
) -> None:
    person = make_person()
    base = datetime(2025, 1, 1, tzinfo=UTC)
    same = base + timedelta(days=3)
    register_timeline_source("person", _items("zorders", [base, same, same, base + timedelta(days=5)]),
                             kinds=("order",), labels={"order": "Orders"})  # fmt: skip

    seen: list[str] = []
    cursor = None
    for _ in range(5):
        page = timeline_page(entity="person", record=person, user=workspace.rep, before=cursor, limit=2,
                             kinds=["order"])  # fmt: skip
        seen += [i.title for i in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ["zorders3", "zorders2", "zorders1", "zorders0"]
    assert Cursor.decode(Cursor(same, "zorders", 2).encode()) == Cursor(same, "zorders", 2)
    assert Cursor.decode("garbage") is None


def test_a_list_may_follow_a_line_of_text() -> None:
    assert render_markdown("Agenda:\n- price\n- dates\nThanks") == (
        "<p>Agenda:</p><ul><li>price</li><li>dates</li></ul><p>Thanks</p>"
    )
