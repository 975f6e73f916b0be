"""Names from visitors are shown as typed, never as Markdown or HTML."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from core.base import text

HOSTILE = [
    "**bold** [link](http:evil.example)",
    "![t](https://evil.example/track.gif)",
    "<img src=x onerror=alert(1)>",
    ":red[alarm] :material/warning: $x^2$",
    "# heading\n- list",
    "https://evil.example and www.evil.example",
    "back\\slash `code` ~~gone~~ | table |",
]
RENDER = MarkdownIt("gfm-like")  # CommonMark with GitHub's autolinks, tables and strikethrough


def rendered_text(markdown: str) -> str:
    """What a reader sees: the HTML of the Markdown with its tags removed and entities read."""
    import html

    page = RENDER.render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", page)).strip()


@pytest.mark.parametrize("name", HOSTILE)
def test_plain_names_render_as_the_very_text(name):
    page = RENDER.render(text.plain(name))
    assert "<a " not in page and "<img" not in page and "<strong>" not in page and "<h1>" not in page
    assert "<del>" not in page and "<code>" not in page and "<table>" not in page and "<li>" not in page
    assert rendered_text(text.plain(name)) == text.visible(name)


@given(st.text(max_size=80))
def test_plain_never_lets_markdown_through(name):
    page = RENDER.render(text.plain(name))
    assert re.fullmatch(r"(<p>.*</p>\n)?", page, re.DOTALL), page  # one paragraph of text, or nothing
    assert rendered_text(text.plain(name)) == text.visible(name)


def test_chart_labels_are_html_escaped():
    assert text.chart_label('<a href="http://evil.example">x</a>') == (
        "&lt;a href=&quot;http://evil.example&quot;&gt;x&lt;/a&gt;"
    )
