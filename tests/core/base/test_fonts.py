"""Text drawn into pictures: each character by a font whose character map has it (read here with
fontTools, the reference), a glyph rather than the missing-glyph box, and lines wrapped whole."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont

from core.base import fonts


def character_map(path: str) -> set[int]:
    with TTFont(path, fontNumber=0) as font:
        return set(font.getBestCmap())


@pytest.fixture(scope="module")
def system_fonts() -> fonts.FontChain:
    found = fonts.chain(16)
    assert found.files, "no font of fonts.FONT_FILES here: install fonts-dejavu-core and fonts-nanum (.ci/run)"
    return found


class Characters:
    """A measure of one pixel per character, to check wrapping where the answer is known."""

    def length(self, text: str) -> float:
        return len(text)


def test_lines_break_between_words_and_keep_every_character():
    assert fonts.wrap_lines("aa bb cc", Characters(), 5) == ["aa bb ", "cc"]
    assert fonts.wrap_lines("aa bb cc", Characters(), 8) == ["aa bb cc"]
    assert fonts.wrap_lines("", Characters(), 8) == [""]


def test_a_word_wider_than_a_line_is_cut_between_characters():
    assert fonts.wrap_lines("abcdefghij", Characters(), 4) == ["abcd", "efgh", "ij"]
    assert fonts.wrap_lines("x abcdefghij y", Characters(), 4) == ["x ", "abcd", "efgh", "ij y"]
    assert fonts.wrap_lines("abc", Characters(), 0) == ["a", "b", "c"]  # a character a line at least


def test_a_300_character_measured_value_wraps_whole_within_the_width(system_fonts):
    value = "final training accuracy ≥ 0.999: " + "0.99951234 × 28 " * 16 + "x" * 44
    assert len(value) == 333
    lines = fonts.wrap_lines(value, system_fonts, 400)
    assert "".join(lines) == value
    assert len(lines) > 3 and all(system_fonts.length(line.rstrip()) <= 400 for line in lines)
    assert all(line.endswith(" ") for line in lines[:-2])  # broken between words until the long one


def test_each_character_is_drawn_by_a_font_whose_character_map_has_it(system_fonts):
    text = "TensorFlow 첫걸음: 채점 과제 · final training accuracy ≥ 0.999 · input 28 × 28 · Ada Lovelace, 김민준"
    for character in set(text) - {" "}:
        file = system_fonts.file_for(character)
        assert file is not None, character
        assert ord(character) in character_map(file.path), (character, file.path)
    assert system_fonts.missing(text) == ""


@pytest.mark.parametrize("character", ["≥", "×", "가", "힣", "A"])
def test_the_symbols_and_hangul_draw_a_glyph_not_the_missing_glyph_box(system_fonts, character):
    [(run, font)] = system_fonts.runs(character)
    missing_box = font.getmask("\uffff")  # a noncharacter: no font has it, so its glyph is the box
    drawn = font.getmask(character)
    assert run == character and drawn.getbbox() is not None
    assert (drawn.size, bytes(drawn)) != (missing_box.size, bytes(missing_box))


def test_a_line_mixing_scripts_is_cut_into_runs_of_one_font(system_fonts):
    runs = system_fonts.runs("학습자: Ada ≥ 1")
    assert "".join(run for run, _ in runs) == "학습자: Ada ≥ 1"
    assert system_fonts.length("학습자: Ada ≥ 1") == pytest.approx(sum(font.getlength(run) for run, font in runs))


def test_a_character_no_font_has_is_named_and_without_fonts_only_ascii_is_drawn(system_fonts, tmp_path):
    hieroglyph = "\U00013000"
    assert not any(ord(hieroglyph) in character_map(file.path) for file in system_fonts.files)
    assert system_fonts.missing(f"Ada {hieroglyph}{hieroglyph}") == hieroglyph
    no_fonts = fonts.chain(16, paths=(str(tmp_path / "absent.ttf"),))
    assert no_fonts.files == ()
    assert no_fonts.missing("Ada ≥ 0.9 김") == "≥김"
    assert no_fonts.length("Ada") > 0  # Pillow's own font still draws ASCII
