"""Text drawn into a picture, whole and in either of the course's languages: the exercises' certificate.

No single font on a server draws every character a certificate may hold (English, Korean, the
grader's "≥" and "×", a learner's name in any script), so each character is drawn by the first
font of `FONT_FILES` whose character map (its cmap, read with fontTools) has it. Lines are wrapped
to the picture's width by measuring the text in those fonts, never cut.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PIL import ImageDraw, ImageFont

# The fonts a picture's text is drawn with, in order of preference, where this system has them.
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # Debian's fonts-dejavu-core: Latin, Greek, Cyrillic, ≥ × ·
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",  # fonts-nanum: Hangul, with Latin and the same symbols
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # fonts-noto-cjk: Hangul, Han and Kana
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # the same, where other systems keep it
)

# What Pillow's own font draws, the last resort where none of the files is here: printable ASCII.
PILLOW_DEFAULT_DRAWS = frozenset(range(0x20, 0x7F))


@dataclass(frozen=True)
class FontFile:
    """A font on this system and the characters it has a glyph for."""

    path: str
    characters: frozenset[int]  # the code points its character map maps to a glyph

    def draws(self, character: str) -> bool:
        return ord(character) in self.characters


def read_font(path: str) -> FontFile:
    """A font file with its character map (the first font of a collection, as Pillow opens it)."""
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=0, lazy=True) as font:
        return FontFile(path, frozenset(font.getBestCmap() or {}))


@functools.cache
def available(paths: tuple[str, ...]) -> tuple[FontFile, ...]:
    """The fonts of `paths` this system has and can read, in the same order (read once: fonts
    are installed with the system, not while the server runs)."""
    found = []
    for path in paths:
        if not Path(path).is_file():
            continue
        try:
            found.append(read_font(path))
        except Exception:  # a damaged or unexpected file is a font this system does not have
            continue
    return tuple(found)


@functools.cache
def _pillow_font(path: str | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


@dataclass(frozen=True)
class FontChain:
    """The fonts at one size, each character drawn by the first that has it."""

    files: tuple[FontFile, ...]
    size: int

    def file_for(self, character: str) -> FontFile | None:
        """The font that draws `character`, or None where none of them has it."""
        return next((file for file in self.files if file.draws(character)), None)

    def missing(self, text: str) -> str:
        """The characters of `text` that none of the fonts draws, each once, in order."""
        if self.files:
            lacking = [character for character in text if not self.file_for(character)]
        else:
            lacking = [character for character in text if ord(character) not in PILLOW_DEFAULT_DRAWS]
        return "".join(dict.fromkeys(character for character in lacking if not character.isspace()))

    def runs(self, text: str) -> list[tuple[str, ImageFont.FreeTypeFont | ImageFont.ImageFont]]:
        """`text` cut into runs of characters that one font draws, each with that font. A space
        goes with the run before it; a character no font has, with the first font (its box)."""
        runs: list[tuple[str, str | None]] = []
        for character in text:
            if character.isspace() and runs:
                path = runs[-1][1]
            else:
                file = self.file_for(character)
                path = file.path if file else (self.files[0].path if self.files else None)
            if runs and runs[-1][1] == path:
                runs[-1] = (runs[-1][0] + character, path)
            else:
                runs.append((character, path))
        return [(run, _pillow_font(path, self.size)) for run, path in runs]

    def length(self, text: str) -> float:
        """How wide `text` is drawn, in pixels."""
        return sum(font.getlength(run) for run, font in self.runs(text))

    def draw(
        self, draw: ImageDraw.ImageDraw, left: float, baseline: float, text: str, fill: tuple[int, int, int]
    ) -> None:
        """Draws `text` on one line, its left end at `left` and its letters standing on `baseline`."""
        for run, font in self.runs(text):
            draw.text((left, baseline), run, fill=fill, font=font, anchor="ls")
            left += font.getlength(run)


def chain(size: int, paths: tuple[str, ...] | None = None) -> FontChain:
    """This system's fonts of `paths` (`FONT_FILES` unless given) at `size` pixels."""
    return FontChain(available(FONT_FILES if paths is None else paths), size)


class Measures(Protocol):
    def length(self, text: str) -> float: ...


def wrap_lines(text: str, font: Measures, width: float) -> list[str]:
    """`text` broken into lines no wider than `width` as `font` draws them: between words where it
    can, inside a word that is wider than a line by itself. Nothing is dropped: a line keeps the
    spaces after its last word, so the lines joined are `text` again."""
    lines: list[str] = []
    line = ""
    for word in re.findall(r"\S+\s*|\s+", text):  # each word with the spaces that follow it
        if font.length((line + word).rstrip()) <= width:
            line += word
            continue
        if line:
            lines.append(line)
        while font.length(word.rstrip()) > width:
            fits = 1  # at least one character a line, however narrow the width
            while fits < len(word) and font.length(word[: fits + 1].rstrip()) <= width:
                fits += 1
            lines.append(word[:fits])
            word = word[fits:]
        line = word
    if line or not lines:
        lines.append(line)
    return lines
