"""The design's rules that code review would otherwise have to catch."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.conftest import REPOSITORY


def imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_streamlit():
    core_files = sorted((REPOSITORY / "core").rglob("*.py"))
    assert core_files
    for path in core_files:
        assert "streamlit" not in imported_modules(path), f"{path.name} imports streamlit"
    modules = ", ".join(f"core.{path.stem}" for path in core_files if path.stem != "__init__")
    check = (
        f"import sys, importlib; [importlib.import_module(m) for m in '{modules}'.split(', ')]; "
        "assert 'streamlit' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", check], cwd=REPOSITORY, check=True, timeout=120)


def test_entry_file_only_routes():
    source = (REPOSITORY / "streamlit_app.py").read_text()
    assert "st.navigation(" in source and "st.Page(" in source
    assert imported_modules(REPOSITORY / "streamlit_app.py") == {"streamlit"}
