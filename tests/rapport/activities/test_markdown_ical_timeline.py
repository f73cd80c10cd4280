"""The note formatter, the iCalendar writer and the timeline's merge and cursor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from rapport.activities.ical import escape_text, fold
from rapport.activities.markdown import MAX_MARKDOWN_CHARS, mentioned_usernames, render_markdown
from rapport.activities.timeline import (
    Cursor,
    TimelineItem,
    register_timeline_source,
    timeline_page,
)


def test_markdown_escapes_raw_html() -> None:
    html = render_markdown(
        'Hi **Ana** & *team*\n- one `<b>`\n\n<img src=x onerror=alert(1)> [site](https://x.test/?a=1&b="2")'
    )
    assert "<strong>Ana</strong> &amp; <em>team</em>" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    # the parser percent-encodes the quote in the link target (the old subset escaped it)
    assert (
        '<a href="https://x.test/?a=1&amp;b=%222%22" rel="nofollow noopener noreferrer">site</a>'
        in html
    )
    assert "<code>&lt;b&gt;</code>" in html


def test_markdown_lists_links_only_to_safe_schemes() -> None:
    assert render_markdown("- a\n- b") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"
    for unsafe in ("[x](javascript:alert(1))", "[x](JavaScript:alert(1))", "<javascript:alert(1)>",
                   "[x](data:text/html,hi)", "[x](/relative)"):  # fmt: skip
        assert "<a" not in render_markdown(unsafe)
    # no images (a note must not load a tracking pixel): the image becomes a plain link
    assert "<img" not in render_markdown("![pixel](https://x.test/p.png)")


def test_a_mention_inside_a_link_leaves_the_link_whole() -> None:
    html = render_markdown("[ok](https://example.com/@repa/x) and <https://example.com/@sam>")
    assert html == (
        '<p><a href="https://example.com/@repa/x" rel="nofollow noopener noreferrer">ok</a> and '
        '<a href="https://example.com/@sam" rel="nofollow noopener noreferrer">'
        "https://example.com/@sam</a></p>"
    )
    assert (
        mentioned_usernames("[ok](https://example.com/@repa/x) <https://example.com/@sam>") == set()
    )


def test_mentions_are_found_only_in_text_never_in_code_or_urls() -> None:
    text = "cc @rita\n`@code` https://example.com/@bare\n\n```\n@fenced\n```"
    assert mentioned_usernames(text) == {"rita"}
    html = render_markdown(text)
    assert html.count('class="mention"') == 1 and "<code>@code</code>" in html
    assert "<pre><code>@fenced\n</code></pre>" in html


def test_raw_html_is_text_and_the_sanitiser_keeps_only_the_allowed_tags() -> None:
    html = render_markdown('<script>alert(1)</script>\n\n<b onclick="x()">b</b> # not a heading')
    assert "<script" not in html and "<b" not in html and "&lt;script&gt;" in html


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


def test_a_body_past_the_limit_is_escaped_plain_text_and_quick() -> None:
    import time

    text = "![" * (MAX_MARKDOWN_CHARS // 2) + "<b>x</b> @rita\n\nnext"
    started = time.perf_counter()
    html = render_markdown(text)
    assert time.perf_counter() - started < 0.5
    assert html.startswith("<p>![![") and html.endswith(
        "&lt;b&gt;x&lt;/b&gt; @rita</p>\n<p>next</p>"
    )
    assert mentioned_usernames(text) == set()


def test_a_list_may_follow_a_line_of_text() -> None:
    # CommonMark: a line right after a list item continues it, so a blank line ends the list.
    assert render_markdown("Agenda:\n- price\n- dates\n\nThanks") == (
        "<p>Agenda:</p>\n<ul>\n<li>price</li>\n<li>dates</li>\n</ul>\n<p>Thanks</p>"
    )
    assert render_markdown("one\ntwo") == "<p>one<br>\ntwo</p>"
