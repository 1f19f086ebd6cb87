"""Untrusted text made harmless for a terminal and for Markdown.

File names, source lines, messages that quote code, git ref and path names all come from the scanned tree. Written
raw to a terminal, an ESC or CSI sequence can clear the screen, move the cursor, set the window title (OSC) or
write a forged "No findings" over the real report; a carriage return or a newline forges report lines; bidi
overrides reorder what the reader sees (Trojan Source). `visible()` writes each such character as an escape a
reader can see (`\\x1b`, `\\r`, `\\u202e`), so nothing from the tree is ever interpreted by the terminal.

In Markdown (the checklist), a backtick in a file name used to close the code span around it, and `|`, `<br>` or
a link in a message could break out of a table cell or forge a row. `markdown_code()` picks a code-span fence
longer than any backtick run inside; `markdown_text()` backslash-escapes every character Markdown or inline HTML
would interpret. Both escape `|` as GitHub-flavoured tables require, even inside code spans.
"""

from __future__ import annotations

from bastion.core import patterns

# C0 controls except tab and newline (newline is handled by the caller's choice), DEL and the C1 controls, the
# Unicode controls that reorder or hide text (bidi embeddings, overrides and isolates, marks, zero-width
# characters, line and paragraph separators, the byte-order mark, interlinear annotations).
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u115f\u1160\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb"
_UNSAFE = patterns.compile(f"[{_CONTROLS}]")
_UNSAFE_OR_NEWLINE = patterns.compile(f"[\n{_CONTROLS}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\x1b": "\\x1b"}
_MARKDOWN_SPECIAL = patterns.compile(r"([\\`*_{}\[\]<>|&~#!])")
_BACKTICKS = patterns.compile(r"`+")


def _escaped(match: patterns.Match) -> str:
    character = match.group(0)
    named = _NAMED.get(character)
    if named is not None:
        return named
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control character written as a visible escape; newlines too unless `keep_newlines`
    (for the few places that print several lines on purpose). Tabs are kept: they are layout, not commands."""
    pattern = _UNSAFE if keep_newlines else _UNSAFE_OR_NEWLINE
    return pattern.sub(_escaped, _encodable(text))


def _encodable(text: str) -> str:
    """`text` with lone surrogates (a file name whose bytes were not UTF-8) written as visible escapes (`\\udcff`):
    the pattern engine works on UTF-8, which cannot hold them."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def markdown_text(text: str) -> str:
    """Untrusted text as literal Markdown inline content: controls visible, Markdown and HTML syntax escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", visible(text))


def markdown_code(text: str) -> str:
    """Untrusted text as a Markdown code span that it cannot close, safe inside a table cell."""
    content = visible(text).replace("|", "\\|")
    longest = max((len(run) for run in _BACKTICKS.findall(content)), default=0)
    fence = "`" * (longest + 1)
    # A span whose content starts or ends with a backtick needs a space between it and the fence.
    pad = " " if content.startswith("`") or content.endswith("`") or not content.strip() else ""
    return f"{fence}{pad}{content}{pad}{fence}"
