"""Names that come from visitors (file names, zip members, class folders) shown exactly as typed.

Streamlit reads Markdown in captions, messages, metric and expander labels, so a folder named
`**bold** [link](http:evil.example)` would render bold text and a live link, and a zip member
named `![t](https://evil.example/track.gif)` would make every browser that shows it fetch that
address. Plotly reads a subset of HTML in its labels, links included. Every name from an upload or
a folder therefore goes through one of these two functions before it is shown.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Every ASCII punctuation character may be backslash-escaped in CommonMark; these are the ones
# Markdown, GitHub's extensions (autolinks, tables, strikethrough) and Streamlit's own directives
# (:material/icon:, :red[text], $math$) give a meaning to.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&\"'=])")


def plain(text: object) -> str:
    """`text` escaped so that Streamlit's Markdown shows it literally (line breaks become spaces,
    other control characters are dropped)."""
    return _MARKDOWN.sub(r"\\\1", visible(text))


def visible(text: object) -> str:
    """`text` on one line, without control characters, which no reader could see anyway."""
    printable = "".join(
        character for character in str(text) if unicodedata.category(character) != "Cc" or character.isspace()
    )
    return " ".join(printable.split())


def chart_label(text: object) -> str:
    """`text` escaped so that a plotly label shows it literally rather than as HTML."""
    return html.escape(str(text), quote=True)
