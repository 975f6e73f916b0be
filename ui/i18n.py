"""The page's language, Korean or English: the switch in the sidebar, and the words that pages and
shared widgets say (`t("hello_world.intro")`), read from the catalogues of `core.base.language`.

The switch is bound to the address (`?lang=ko`), so a shared link opens in the language it was
shared in; without one in the address, a browser whose language is Korean gets Korean. It is drawn
by `streamlit_app.py` before the navigation, whose titles are in the chosen language.
"""

from __future__ import annotations

import streamlit as st

from core.base import course, language
from ui import session

SWITCH_LABEL = "base.app.language_switch"


def browser_language() -> str:
    """The language the browser asks for, or English (`st.context.locale` is navigator.language)."""
    return language.choose(None, st.context.locale)


def chosen() -> str:
    """This run's language: the switch's value, else the address's, else the browser's."""
    value = session.widget_value(session.LANGUAGE)
    if value in language.LANGUAGES:
        return value
    return language.choose(st.query_params.get(language.ADDRESS_KEY), st.context.locale)


def words() -> language.Words:
    return language.words(chosen())


def t(key: str, **values: object) -> str:
    """The catalogue's entry `key` in this run's language, its placeholders filled in."""
    return words()(key, **values)


def say(message: language.Message) -> str:
    """A message that core chose (a check's verdict, an error), in this run's language."""
    return words().say(message)


def lesson_text(lesson: course.Lesson, field: str) -> str:
    """One of a lesson's registry texts (title, short_title, question, teaches) in this run's language."""
    return t(f"base.lesson.{lesson.key}.{field}")


def lesson_heading(lesson: course.Lesson) -> str:
    return t("base.lesson.heading", number=lesson.number, title=lesson_text(lesson, "title"))


def lesson_nav_title(lesson: course.Lesson) -> str:
    return t("base.lesson.nav_title", number=lesson.number, short_title=lesson_text(lesson, "short_title"))


def language_ui() -> str:
    """The language switch in the sidebar; returns the chosen language. Its Korean label says
    "Language" too, so that a learner who landed in Korean without reading it finds it; its help
    names each language in its own words."""
    with st.sidebar:
        chosen_language = st.segmented_control(
            t(SWITCH_LABEL),
            list(language.LANGUAGES),  # shown as their codes, as the address writes them (?lang=ko)
            default=chosen(),  # the address's, else the browser's: read on the visit's first run
            required=True,
            help=" · ".join(f"{code}: {name}" for code, name in language.LANGUAGES.items()),
            key=session.LANGUAGE,
            on_change=_to_address,
        )
    chosen_language = chosen_language or chosen()
    if chosen_language != language.DEFAULT and st.query_params.get(language.ADDRESS_KEY) != chosen_language:
        # A language other than English is always in the address: the address bar's link opens in it too.
        st.query_params[language.ADDRESS_KEY] = chosen_language
    return chosen_language


def _to_address() -> None:
    """A switch puts the language in the address, so the page's link opens in it. (With Streamlit's
    own `bind="query-params"`, the address had to hold the option's shown label, and a Korean
    browser's visit was once sent to the course map with "Page not found", 2026-12-07.)"""
    st.query_params[language.ADDRESS_KEY] = session.widget_value(session.LANGUAGE)
