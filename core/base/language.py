"""The learner's language: Korean or English, chosen from the address or the browser, and the
catalogues of every word a learner reads.

The course notes this dashboard grew from are Korean, and so are many of its learners. Each
package that shows words keeps its own catalogue beside its code, one TOML file per language
(`core/<lesson>/words/ko.toml`, `ui/words/en.toml`, ...), so a teacher who edits Lesson 3's Korean
finds it in Lesson 3's folder. Entries are keyed by stable names, not by English sentences, so a
long explanation in Markdown translates whole; a key is the package's name, then the TOML path
(`hello_world.intro`). Placeholders are named (`{accuracy}`) and numbers are formatted for the
language by Babel. Korean follows the terms of TensorFlow's own Korean documentation, kept in one
glossary (`core/base/words/glossary.toml`), which a test holds every Korean entry to.

To add a language: add its code to `LANGUAGES`, a `<code>.toml` beside every `en.toml` with the
same keys and placeholders (`python -m pytest tests/core/base/test_language.py` names what is
missing), and its column in the glossary.
"""

from __future__ import annotations

import dataclasses
import functools
import string
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel import numbers

LANGUAGES: dict[str, str] = {"en": "English", "ko": "한국어"}  # code → the language's own name
DEFAULT = "en"
ADDRESS_KEY = "lang"  # `?lang=ko` in a shared link
ROOT = Path(__file__).resolve().parents[2]  # the repository: catalogues live under core/ and ui/
CATALOGUE_FOLDER = "words"
GLOSSARY = Path(__file__).resolve().parent / CATALOGUE_FOLDER / "glossary.toml"


def choose(address: str | None, browser_locale: str | None) -> str:
    """The page's language: the address's `lang` when it names one we have (a shared link wins),
    else Korean for a browser whose locale starts with `ko`, else English."""
    if address is not None and address.strip().lower() in LANGUAGES:
        return address.strip().lower()
    if browser_locale and browser_locale.strip().lower().replace("_", "-").split("-")[0] == "ko":
        return "ko"
    return DEFAULT


def catalogue_files(language: str, root: Path = ROOT) -> Iterator[tuple[str, Path]]:
    """(package name, file) for every catalogue of `language`: `core/<package>/words/` and `ui/words/`."""
    for folder in sorted([*root.glob(f"core/*/{CATALOGUE_FOLDER}"), root / "ui" / CATALOGUE_FOLDER]):
        path = folder / f"{language}.toml"
        if path.is_file():
            yield folder.parent.name, path


def _flatten(table: Mapping[str, object], prefix: str) -> Iterator[tuple[str, str]]:
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if isinstance(value, Mapping):
            yield from _flatten(value, key)
        elif isinstance(value, str):
            yield key, value
        else:
            raise ValueError(f"{key}: a catalogue entry must be text, not {type(value).__name__}.")


def load(language: str, root: Path = ROOT) -> dict[str, str]:
    """Every entry of `language`, keyed `package.path.to.entry`."""
    entries: dict[str, str] = {}
    for package, path in catalogue_files(language, root):
        with path.open("rb") as file:
            entries.update(_flatten(tomllib.load(file), package))
    return entries


def placeholders(text: str) -> set[str]:
    """The named placeholders of an entry (`{accuracy}` → "accuracy")."""
    return {field.split(".")[0].split("[")[0] for _, field, _, _ in string.Formatter().parse(text) if field}


def differences(reference: Mapping[str, str], other: Mapping[str, str]) -> list[str]:
    """What keeps two catalogues from matching: keys one lacks, and entries whose placeholders differ."""
    problems = [f"missing: {key}" for key in sorted(reference.keys() - other.keys())]
    problems += [f"not in the reference: {key}" for key in sorted(other.keys() - reference.keys())]
    problems += [
        f"placeholders differ in {key}: {sorted(placeholders(reference[key]))} vs {sorted(placeholders(other[key]))}"
        for key in sorted(reference.keys() & other.keys())
        if placeholders(reference[key]) != placeholders(other[key])
    ]
    return problems


@dataclass(frozen=True)
class Words:
    """One language's words: `words("hello_world.intro", epochs=5)` gives the entry, filled in."""

    language: str
    entries: Mapping[str, str]

    def __call__(self, key: str, **values: object) -> str:
        try:
            entry = self.entries[key]
        except KeyError:
            name = LANGUAGES.get(self.language, self.language)
            raise KeyError(f"No entry {key!r} in the {name} catalogue.") from None
        return entry.format(**values) if values else entry

    def say(self, message: Message | str) -> str:
        """A message chosen elsewhere, in this language; values that are messages are said too. A
        plain string (a name, a path) is said as it is."""
        if isinstance(message, str):
            return message
        values = {
            name: self.say(value) if isinstance(value, Message) else value for name, value in message.values.items()
        }
        return self(message.key, **values)

    def number(self, value: float, digits: int = 0) -> str:
        """`value` with the language's digit grouping and `digits` decimals (60,000 · 0.86)."""
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return numbers.format_decimal(value, format=pattern, locale=self.language)

    def percent(self, fraction: float, digits: int = 1) -> str:
        """A fraction as a percentage, as the language writes it (0.8623 → 86.2%)."""
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return numbers.format_percent(fraction, format=pattern, locale=self.language)


@dataclass(frozen=True)
class Message:
    """Words to be said in the learner's language, chosen where the language is not known (core's
    checks and errors): a catalogue key and its values, said by `Words.say`."""

    key: str
    values: Mapping[str, object] = dataclasses.field(default_factory=dict)

    def __str__(self) -> str:
        return words(DEFAULT).say(self)


class LearnerError(ValueError):
    """A problem the learner can fix (a broken photo, a wrong folder, a value out of range), told in
    their language: the page shows `words.say(error.message)`; in English, `str(error)` is the same."""

    def __init__(self, key: str, **values: object) -> None:
        self.message = Message(key, values)
        super().__init__(str(self.message))


@functools.cache
def words(language: str) -> Words:
    """The catalogue of `language` (English for a code we do not have), read once per process."""
    language = language if language in LANGUAGES else DEFAULT
    return Words(language, load(language))


@dataclass(frozen=True)
class Term:
    english: str  # as the English catalogue writes it, lower case
    korean: str  # as TensorFlow's Korean documentation writes it
    note: str = ""  # where it comes from, or how to use it


def glossary(path: Path = GLOSSARY) -> list[Term]:
    """The one glossary every Korean entry follows."""
    with path.open("rb") as file:
        table = tomllib.load(file)
    return [Term(**entry) for entry in table["term"]]
