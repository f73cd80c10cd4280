"""A small, safe Markdown subset for notes, rendered on the server.

Supported: paragraphs and line breaks, ``- `` / ``* `` bullet lists, ``**bold**``,
``*italic*``, ```code```, ``[text](https://…)`` links (http, https and mailto only)
and ``@username`` mentions. Everything else is text: the input is HTML-escaped
*before* any markup is added, so raw HTML in a note can never reach the page.
"""

from __future__ import annotations

import html
import re

from django.utils.safestring import SafeString, mark_safe

# Django user names are letters, digits and @.+-_; a mention must not follow a word
# character (so "ana@example.com" is an address, not a mention of "example.com").
MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]*[\w+-])")
_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
# Applied to already-escaped text: the URL cannot contain a quote or angle bracket.
_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|mailto:)[^\s)]+)\)")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")


def mentioned_usernames(text: str) -> set[str]:
    return {name.lower() for name in MENTION.findall(text)}


def _inline(escaped: str) -> str:
    # Code spans first, so nothing inside them is formatted; placeholders keep them aside.
    spans: list[str] = []

    def keep(match: re.Match[str]) -> str:
        spans.append(f"<code>{match.group(1)}</code>")
        return f"\x00{len(spans) - 1}\x00"

    text = _CODE.sub(keep, escaped)
    text = _LINK.sub(r'<a href="\2" rel="nofollow noopener noreferrer">\1</a>', text)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    text = _ITALIC.sub(r"<em>\1</em>", text)
    text = MENTION.sub(r'<span class="mention">@\1</span>', text)
    return re.sub(r"\x00(\d+)\x00", lambda m: spans[int(m.group(1))], text)


def _block_html(lines: list[str]) -> str:
    """A block's lines: runs of bullet lines become a list, other runs a paragraph."""
    out: list[str] = []
    run: list[str] = []
    bullets = False

    def flush() -> None:
        if run and bullets:
            out.append("<ul>" + "".join(f"<li>{item}</li>" for item in run) + "</ul>")
        elif run:
            out.append("<p>" + "<br>".join(run) + "</p>")
        run.clear()

    for line in lines:
        bullet = _BULLET.match(line)
        if bool(bullet) != bullets:
            flush()
            bullets = bool(bullet)
        run.append(_inline(html.escape(bullet.group(1) if bullet else line)))
    flush()
    return "".join(out)


def render_markdown(text: str) -> SafeString:
    """The note as HTML: escaped text plus the subset's tags and nothing else."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    rendered = "".join(_block_html(block.split("\n")) for block in blocks if block.strip())
    return mark_safe(rendered)  # noqa: S308 -- every piece of user text was escaped above
