"""The design's rules that code review would otherwise have to catch."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from core.base import course
from tests.conftest import REPOSITORY

CORE = REPOSITORY / "core"
PAGES = REPOSITORY / "pages"
UI = REPOSITORY / "ui"
MOST_PAGE_LINES = 200  # a page reads top to bottom as its lesson does; widget groups live in ui/
LESSON_KEYS = {lesson.key for lesson in course.LESSONS}
LAYERS = {"base", "engine", "data", "charts"}  # core's shared packages, by import weight
LIGHT = ["core/base", "core/charts", "core/data/uploads.py", "core/data/image_folders.py", "core/data/downloads.py"]
LIGHT += ["core/data/drawings.py"]


def imported_modules(path: Path, depth: int = 1) -> set[str]:
    """The modules a file imports, cut to their first `depth` dotted parts; `from core import cnn`
    counts as importing `core.cnn`."""
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {".".join(name.split(".")[:depth]) for name in names}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPOSITORY).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def lessons_imported(path: Path) -> set[str]:
    """The lesson packages (core.<lesson key>, and a lesson's own widgets ui.<lesson key>) a file imports."""
    parts = [name.split(".") for name in imported_modules(path, depth=2)]
    return {part[1] for part in parts if len(part) == 2 and part[0] in ("core", "ui")} & LESSON_KEYS


def lesson_files(lesson: course.Lesson) -> list[Path]:
    """A lesson's own code: its core package, its widgets in ui/ (if it has any) and its page."""
    return (
        sorted((CORE / lesson.key).rglob("*.py"))
        + sorted(UI.joinpath(lesson.key).rglob("*.py"))
        + [REPOSITORY / lesson.page]
    )


def core_files() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_core_never_imports_streamlit():
    assert core_files()
    for path in core_files():
        assert "streamlit" not in imported_modules(path), f"{path.name} imports streamlit"
    modules = ", ".join(module_name(path) for path in core_files())
    check = (
        f"import sys, importlib; [importlib.import_module(m) for m in '{modules}'.split(', ')]; "
        "assert 'streamlit' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", check], cwd=REPOSITORY, check=True, timeout=120)


def test_entry_file_only_routes_and_takes_its_pages_from_the_registry():
    source = (REPOSITORY / "streamlit_app.py").read_text()
    assert "st.navigation(" in source and "st.Page(" in source and "course.LESSONS" in source
    # core.engine.warmup: the "loading TensorFlow" state a lesson shows on the first visit, before it runs.
    # ui.session: the address a visitor arrived with, noted before the page's widgets take it.
    # ui.i18n: the language, chosen before the navigation, whose titles are in it.
    # ui.progress: who the learner is, said in the sidebar; a teacher's navigation has the class page.
    allowed = {
        "streamlit",
        *("core.base", "core.engine", "core.base.course", "core.engine.warmup"),
        *("ui", "ui.session", "ui.i18n", "ui.progress"),
    }
    assert imported_modules(REPOSITORY / "streamlit_app.py", depth=3) <= allowed


def test_every_lesson_has_its_page_and_its_core_package():
    for lesson in course.LESSONS:
        assert (REPOSITORY / lesson.page).is_file(), lesson.page
        assert (CORE / lesson.key / "__init__.py").is_file(), f"core/{lesson.key}/ is missing"
    lesson_pages = {path.stem for path in PAGES.glob("*.py")} - {"home", "teacher", "__init__"}  # the course's own
    assert lesson_pages == LESSON_KEYS
    packages = {path.parent.name for path in CORE.glob("*/__init__.py")}
    assert packages == LESSON_KEYS | LAYERS, "a core package is a lesson or one of the shared layers"


def test_the_light_layers_load_no_tensorflow_and_guard_no_imports():
    """The home page, the sidebar and the job records import the light layers; importing every
    module of them (and `core` itself, which sizes TensorFlow's pools) loads neither TensorFlow
    nor Keras, and no module of core hides an import behind `TYPE_CHECKING`."""
    entries = [REPOSITORY / entry for entry in LIGHT]
    light = sorted(path for entry in entries for path in (entry.rglob("*.py") if entry.is_dir() else [entry]))
    assert len(light) > 15
    modules = ", ".join(module_name(path) for path in light)
    check = (
        f"import sys, importlib; [importlib.import_module(m) for m in '{modules}'.split(', ')]; "
        "heavy = {'tensorflow', 'keras'} & set(sys.modules); assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", check], cwd=REPOSITORY, check=True, timeout=120)
    for path in core_files():
        assert "TYPE_CHECKING" not in path.read_text(), f"{path.relative_to(REPOSITORY)} guards an import"


@pytest.mark.parametrize("lesson", course.LESSONS, ids=lambda lesson: lesson.key)
def test_each_page_names_its_own_lesson_from_the_registry(lesson):
    tree = ast.parse((REPOSITORY / lesson.page).read_text())
    assignments = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and [getattr(target, "id", None) for target in node.targets] == ["LESSON"]
    ]
    assert len(assignments) == 1, f"{lesson.page} sets LESSON = course.<LESSON> once"
    value = assignments[0]
    assert isinstance(value, ast.Attribute) and getattr(value.value, "id", None) == "course"
    assert getattr(course, value.attr) is lesson


@pytest.mark.parametrize("lesson", course.LESSONS, ids=lambda lesson: lesson.key)
def test_no_lesson_imports_another_lesson(lesson):
    for path in lesson_files(lesson):
        others = lessons_imported(path) - {lesson.key}
        assert not others, f"{path.relative_to(REPOSITORY)} imports lesson(s) {others}: move what both need to core/"


@pytest.mark.parametrize("lesson", course.LESSONS, ids=lambda lesson: lesson.key)
def test_a_lesson_page_names_no_other_lesson(lesson):
    """A page reads its own lesson's runs and jobs; what it compares with others' runs it finds by
    data set (`components.runs_on`), not through another lesson's entry in the registry."""
    registered = {name for name in vars(course) if isinstance(getattr(course, name), course.Lesson)}
    tree = ast.parse((REPOSITORY / lesson.page).read_text())
    named = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "course" and node.attr in registered
    }
    assert named == {name for name in registered if getattr(course, name) is lesson}, f"{lesson.page} names {named}"


def test_shared_modules_import_no_lesson():
    shared = [path for layer in LAYERS for path in (CORE / layer).glob("*.py")] + [*CORE.glob("*.py")]
    shared += [*UI.glob("*.py"), PAGES / "home.py"]  # ui/<lesson key>/ holds one lesson's own widgets
    for path in shared:
        assert not lessons_imported(path), f"{path.relative_to(REPOSITORY)} is shared, yet imports a lesson"


def string_literals(path: Path) -> list[str]:
    """Every string constant in the file that is not a docstring."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_lesson_titles_are_written_only_in_the_registry():
    """Renaming a lesson is a one-line change: no other code spells a course title, or uses a short
    title as a whole string (a label or a comparison); docstrings and prose may mention them."""
    files = [REPOSITORY / "streamlit_app.py", *PAGES.glob("*.py"), *UI.rglob("*.py"), *core_files()]
    for path in files:
        if path == CORE / "base" / "course.py":
            continue
        for text in string_literals(path):
            spelled = [
                title
                for lesson in course.LESSONS
                for title in (lesson.title, lesson.short_title)
                if title in text and (title == lesson.title or text.strip() == title)
            ]
            assert not spelled, f"{path.relative_to(REPOSITORY)} spells {spelled} in {text!r}; use core.base.course"


# Writes of a default for a library that reads the variable itself (TensorFlow's pools, Ray's mode).
ENVIRONMENT_DEFAULTS = {("core/base/threads.py", "setdefault"), ("core/engine/ray_jobs.py", "setdefault")}


def environment_uses(path: Path) -> list[str]:
    """Where a file touches the process's environment (`os.environ`, `os.getenv`), as "line: use"."""
    tree = ast.parse(path.read_text())
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    relative = str(path.relative_to(REPOSITORY))
    uses = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            uses += [f"{node.lineno}: from os import {alias.name}" for alias in node.names]
        elif isinstance(node, ast.Attribute) and node.attr in ("environ", "environb", "getenv", "getenvb"):
            parent = parents.get(node)
            method = parent.attr if isinstance(parent, ast.Attribute) else ""
            if (relative, method) not in ENVIRONMENT_DEFAULTS:
                uses.append(f"{node.lineno}: {ast.unparse(parent or node)}")
    return uses


def test_only_the_settings_module_reads_the_environment():
    """The server's settings are read once, in `core/base/settings.py`; everything else asks it."""
    sources = [REPOSITORY / "streamlit_app.py", *PAGES.glob("*.py"), *(REPOSITORY / "ui").rglob("*.py"), *core_files()]
    readers = {
        str(path.relative_to(REPOSITORY)): uses
        for path in sources
        if path != CORE / "base" / "settings.py" and (uses := environment_uses(path))
    }
    assert environment_uses(CORE / "base" / "settings.py")  # the check sees a read where there is one
    assert not readers, readers


def test_registry_keys_and_addresses_are_unique():
    assert len(LESSON_KEYS) == len(course.LESSONS)
    assert len({lesson.url_path for lesson in course.LESSONS}) == len(course.LESSONS)
    assert [lesson.number for lesson in course.LESSONS] == list(range(1, len(course.LESSONS) + 1))


def test_pages_holds_pages_only_and_nothing_imports_a_page():
    """The shared widgets live in ui/; a page is a lesson (or the course map) and no module,
    test or page imports one (Streamlit runs them)."""
    for path in [*REPOSITORY.glob("*.py"), *PAGES.glob("*.py"), *UI.rglob("*.py"), *core_files()]:
        imported = imported_modules(path, depth=1)
        assert "pages" not in imported, f"{path.relative_to(REPOSITORY)} imports a page"


def test_a_page_is_short_and_ui_packages_are_lessons():
    """A page is the lesson read top to bottom: at most MOST_PAGE_LINES lines, its groups of widgets
    in ui/, where a sub-package holds one lesson's own widgets and is named by its key."""
    for path in PAGES.glob("*.py"):
        lines = len(path.read_text().splitlines())
        assert lines <= MOST_PAGE_LINES, f"{path.relative_to(REPOSITORY)} has {lines} lines; move widget groups to ui/"
    packages = {path.parent.name for path in UI.glob("*/__init__.py")}
    assert packages <= LESSON_KEYS, f"ui/ packages {packages - LESSON_KEYS} are not lessons"


def test_only_the_session_module_touches_streamlits_session_state():
    """Every value kept across reruns is a typed field of `ui/session.py`; no other module of the
    app spells `st.session_state` (Streamlit's hooks in `server_guards` are handed its object and
    store through `session` too)."""
    app_files = [REPOSITORY / "streamlit_app.py", *PAGES.glob("*.py"), *(REPOSITORY / "ui").rglob("*.py")]
    app_files += core_files()
    reaching = {
        str(path.relative_to(REPOSITORY))
        for path in app_files
        if "session_state" in path.read_text() and path != REPOSITORY / "ui" / "session.py"
    }
    assert reaching - {"ui/server_guards.py"} == set(), reaching
    guards = (REPOSITORY / "ui" / "server_guards.py").read_text()
    assert "st.session_state" not in guards and "session_state[" not in guards  # only Streamlit's own widget states


# Tests that check more than one package: the agreement of every lesson's network, model and script,
# and core's messages said in each language.
CROSS_PACKAGE_TESTS = {"test_networks.py", "test_messages.py"}


def test_the_tests_of_core_mirror_its_tree():
    """A core module's test sits where the module does: tests/core/<package>/test_<module>.py."""
    tests = REPOSITORY / "tests" / "core"
    strays = [
        str(path.relative_to(REPOSITORY))
        for path in tests.rglob("test_*.py")
        if not (
            (path.parent == tests and path.name in CROSS_PACKAGE_TESTS)
            or (CORE / path.parent.relative_to(tests) / path.name.removeprefix("test_")).is_file()
        )
    ]
    assert not strays, strays
