"""Notes in Markdown, rendered on the server: markdown-it-py parses, nh3 sanitises.

CommonMark with raw HTML off and images off (a note must not load a tracking
pixel): paragraphs and line breaks, lists, ``**bold**``, ``*italic*``, code spans
and blocks, quotes, ``[text](https://…)`` links and ``@username`` mentions.

Mentions are found only in the parser's text tokens outside links, so a link's
target (``https://example.com/@repa``), its label, code and bare URLs never hold
one. Links go only to http, https and mailto; anything else stays text. The
rendered HTML then passes nh3 (ammonia) with an allow-list of the tags above, which
also sets ``rel="nofollow noopener noreferrer"`` on every link: a second line of
defence should the parser ever let something through.

Rendering costs about 0.25 ms for a short note, so a timeline page of them is served
from a small per-process cache keyed by the text; a body past ``MAX_MARKDOWN_CHARS``
(a long e-mail, say) is shown as escaped plain text, since the parser's time grows with
the input and the page must not wait on it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

# Django user names are letters, digits and @.+-_; a mention must not follow a word
# character (so "ana@example.com" is an address, not a mention of "example.com").
MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]*[\w+-])")
# A URL typed as plain text (not a Markdown link): "https://example.com/@repa" names nobody.
_BARE_URL = re.compile(r"(?:https?://|mailto:)\S+", re.IGNORECASE)
SAFE_SCHEMES = ("http://", "https://", "mailto:")
LINK_REL = "nofollow noopener noreferrer"
MAX_MARKDOWN_CHARS = 20_000  # the note form's limit
_CACHED_CHARS = 2_000
_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote", "a", "span"}


def _mention_spans(text: str) -> Iterator[re.Match[str]]:
    urls = [m.span() for m in _BARE_URL.finditer(text)]
    for match in MENTION.finditer(text):
        if not any(start <= match.start() < end for start, end in urls):
            yield match


def _split_mentions(state: StateCore) -> None:
    """Core rule: cut ``mention`` tokens out of text tokens that are not inside a link."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        link_depth = 0
        for token in block.children:
            link_depth += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type != "text" or link_depth or "@" not in token.content:
                children.append(token)
                continue
            text, position = token.content, 0
            for match in _mention_spans(text):
                if match.start() > position:
                    children.append(_text_token(text[position : match.start()], token))
                mention = Token("mention", "span", 0, content=match.group(1), level=token.level)
                children.append(mention)
                position = match.end()
            if position == 0:
                children.append(token)
            elif position < len(text):
                children.append(_text_token(text[position:], token))
        block.children = children


def _text_token(content: str, like: Token) -> Token:
    return Token("text", "", 0, content=content, level=like.level)


def _render_mention(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f'<span class="mention">@{escapeHtml(tokens[idx].content)}</span>'


def _validate_link(url: str) -> bool:
    return url.strip().lower().startswith(SAFE_SCHEMES)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False})
    md.disable(["image", "heading", "lheading", "html_block", "html_inline"])
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.core.ruler.after("text_join", "mention", _split_mentions)
    md.add_render_rule("mention", _render_mention)
    return md


_MD = _parser()


def _sanitise(rendered: str) -> str:
    return nh3.clean(
        rendered, tags=_TAGS, attributes={"a": {"href"}, "ol": {"start"}},
        allowed_classes={"span": {"mention"}}, url_schemes={"http", "https", "mailto"},
        url_relative="deny", link_rel=LINK_REL,
    )  # fmt: skip


def mentioned_usernames(text: str) -> set[str]:
    """The lower-cased user names the text mentions where it would render a mention."""
    names: set[str] = set()
    if len(text) > MAX_MARKDOWN_CHARS:
        return names  # shown as plain text, without mentions
    for block in _MD.parse(text):
        for token in block.children or ():
            if token.type == "mention":
                names.add(token.content.lower())
    return names


@lru_cache(maxsize=1024)
def _render_cached(text: str) -> str:
    return _render(text)


def _render(text: str) -> str:
    if len(text) > MAX_MARKDOWN_CHARS:
        paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
        return "\n".join(
            "<p>" + html.escape(p).replace("\n", "<br>\n") + "</p>" for p in paragraphs if p
        )
    return _sanitise(_MD.render(text)).strip()


def render_markdown(text: str) -> SafeString:
    """The note as sanitised HTML."""
    rendered = _render_cached(text) if len(text) <= _CACHED_CHARS else _render(text)
    return mark_safe(rendered)  # noqa: S308 -- sanitised by nh3, or escaped
