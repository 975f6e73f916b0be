"""The learner's language: the choice, the catalogues' agreement, the glossary and number formats."""

from __future__ import annotations

import re

import pytest

from core.base import language


@pytest.mark.parametrize(
    "address,locale,chosen",
    [
        (None, "ko-KR", "ko"),
        (None, "ko", "ko"),
        (None, "en-US", "en"),
        (None, None, "en"),
        ("en", "ko-KR", "en"),  # a shared link wins over the browser
        ("ko", "en-GB", "ko"),
        ("KO ", "fr-FR", "ko"),
        ("xx", "ko-KR", "ko"),  # a language we do not have is ignored, not an error
        ("../../etc", None, "en"),
        (None, "kok-IN", "en"),  # Konkani is not Korean
    ],
)
def test_the_address_wins_then_the_browser_then_english(address, locale, chosen):
    assert language.choose(address, locale) == chosen


def test_every_language_has_every_key_with_the_same_placeholders():
    english = language.load("en")
    assert english, "no English catalogue found"
    for code in language.LANGUAGES:
        problems = language.differences(english, language.load(code))
        assert not problems, f"{language.LANGUAGES[code]}: " + "; ".join(problems)


def test_differences_name_a_missing_key_and_a_changed_placeholder():
    english = {"a.title": "Epoch {epoch}", "a.note": "Done", "a.more": "x"}
    korean = {"a.title": "에포크 {epochs}", "a.more": "x", "a.extra": "y"}
    assert language.differences(english, korean) == [
        "missing: a.note",
        "not in the reference: a.extra",
        "placeholders differ in a.title: ['epoch'] vs ['epochs']",
    ]


def test_catalogues_are_found_beside_their_packages(tmp_path):
    (tmp_path / "core" / "lesson" / "words").mkdir(parents=True)
    (tmp_path / "ui" / "words").mkdir(parents=True)
    (tmp_path / "core" / "lesson" / "words" / "ko.toml").write_text('intro = "안녕"\n[chart]\ntitle = "손실"\n')
    (tmp_path / "ui" / "words" / "ko.toml").write_text('stop = "멈추기"\n')
    assert language.load("ko", tmp_path) == {"lesson.intro": "안녕", "lesson.chart.title": "손실", "ui.stop": "멈추기"}


def test_an_entry_that_is_not_text_is_refused(tmp_path):
    (tmp_path / "ui" / "words").mkdir(parents=True)
    (tmp_path / "ui" / "words" / "en.toml").write_text("epochs = 5\n")
    with pytest.raises(ValueError, match="ui.epochs"):
        language.load("en", tmp_path)


def test_words_fill_placeholders_and_name_a_missing_key():
    words = language.Words("ko", {"lesson.score": "정확도 {accuracy}"})
    assert words("lesson.score", accuracy=words.percent(0.8623)) == "정확도 86.2%"
    with pytest.raises(KeyError, match="lesson.nothing"):
        words("lesson.nothing")


@pytest.mark.parametrize("code,number,percent", [("en", "60,000", "86.2%"), ("ko", "60,000", "86.2%")])
def test_numbers_are_written_as_the_language_writes_them(code, number, percent):
    words = language.words(code)
    assert words.number(60000) == number and words.percent(0.8623) == percent
    assert words.number(0.5, digits=2) == "0.50"


PLACEHOLDER = re.compile(r"\{[^{}]*\}")  # a placeholder's name ({epochs}) is not a word the learner reads


def term_pattern(english: str) -> re.Pattern:
    return re.compile(rf"\b{re.escape(english)}(s|es)?\b", re.IGNORECASE)


def test_korean_entries_use_the_glossary_terms():
    """Where the English entry uses a glossary term, the Korean one uses the glossary's Korean."""
    english, korean = language.load("en"), language.load("ko")
    terms = language.glossary()
    assert {"합성곱", "풀링", "과대적합", "에포크", "데이터 증강"} <= {term.korean for term in terms}
    strays = [
        f"{key}: '{term.english}' is not '{term.korean}'"
        for key, text in english.items()
        for term in terms
        if term_pattern(term.english).search(PLACEHOLDER.sub(" ", text)) and term.korean not in korean.get(key, "")
    ]
    assert not strays, "\n".join(strays)


def test_the_glossary_check_finds_a_stray_term():
    """The check above fails when a Korean entry uses another word for a glossary term."""
    terms = language.glossary()
    overfitting = next(term for term in terms if term.english == "overfitting")
    assert term_pattern(overfitting.english).search("Signs of Overfitting")
    assert overfitting.korean not in "오버피팅의 징후"


def test_a_learner_error_is_said_in_english_and_in_the_learners_language():
    error = language.LearnerError("base.trainings.queued", place=3)
    assert isinstance(error, ValueError) and str(error) == "queued, #3"
    assert language.words("ko").say(error.message) == "대기 중, 3번째"


def test_a_message_can_carry_another_message():
    outer = language.Message("base.home.question", {"question": language.Message("base.trainings.done")})
    assert language.words("en").say(outer) == "**The question:** done, see the results"
    assert language.words("ko").say(outer) == "**질문:** 완료, 결과 보기"
