"""Text to HTML for the HTML report: untrusted messages (code spans only) and bastion's own rule docs (Markdown).

A finding's message quotes the scanned project (names, values, paths): everything in it is escaped, and the only
markup it can produce is `<code>` for its backtick spans. The rule docs are bastion's own Markdown, rendered with
raw HTML switched off, so that even they cannot put a tag or a script into the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

# Rule docs use `##` headings; in the report they sit under a rule's own heading.
_HEADING_OFFSET = 2


def message_html(text: str) -> Markup:
    """`text` escaped, with its backtick spans as `<code>` (an unpaired backtick stays a backtick)."""
    pieces = text.split("`")
    if len(pieces) % 2 == 0:
        # An odd number of backticks: the last one opens nothing.
        pieces[-2:] = [pieces[-2] + "`" + pieces[-1]]
    parts = []
    for position, piece in enumerate(pieces):
        if position % 2:
            parts.append(Markup("<code>{}</code>").format(piece))
        else:
            parts.append(escape(piece))
    return Markup("").join(parts)


@cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _render(tokens: list[Token], *, heading_level: int) -> Markup:
    offset = heading_level - 2
    for token in _walk(tokens):
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1:]) + offset, 6)}"
        elif token.type == "link_open":
            # Links leave the report: the browser sends no referrer and gives the new page no opener.
            token.attrSet("rel", "noopener noreferrer")
    md = _markdown()
    return Markup(md.renderer.render(tokens, md.options, {}))


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def markdown_html(text: str, *, heading_level: int = 2 + _HEADING_OFFSET) -> Markup:
    """bastion's own Markdown (rule docs) as HTML, raw HTML disabled, `##` headings shown at `heading_level`."""
    return _render(_markdown().parse(text), heading_level=heading_level)


def markdown_inline_html(text: str) -> Markup:
    """One paragraph of bastion's own Markdown (a rule's summary or description), without the `<p>`."""
    return _render(_markdown().parseInline(text), heading_level=2)
