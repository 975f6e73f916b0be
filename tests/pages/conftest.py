"""Page tests fail on any warning Streamlit logs or Python raises while they run: a warning in
the server's log is a bug a learner's session hit (a widget given a value twice, a table Arrow
could not convert), even when the page still looked right."""

from __future__ import annotations

import logging
import threading
import warnings
from pathlib import Path

import pytest

from tests.conftest import REPOSITORY

# Streamlit logs a table Arrow could not convert at INFO level, then converts its columns to text.
ARROW_FAILED = "Serialization of dataframe to Arrow table was unsuccessful"


def _counts(record: logging.LogRecord) -> bool:
    """A record of Streamlit's that a page's run logged: a warning or worse, or Arrow's refusal.
    The test's own thread is AppTest's: it writes session state outside a script run, and Streamlit
    warns there of the missing script context, which no server ever logs."""
    if not record.name.startswith("streamlit") or record.thread == threading.main_thread().ident:
        return False
    return record.levelno >= logging.WARNING or ARROW_FAILED in record.getMessage()


def _ours(file_name: str) -> bool:
    """Whether a warning points at Streamlit or this project's code (TensorFlow's and Keras's own
    notices are theirs to fix)."""
    import streamlit

    path = Path(file_name).resolve()
    return path.is_relative_to(REPOSITORY) or path.is_relative_to(Path(streamlit.__file__).parent)


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers",
        "streamlit_warnings_expected: the test checks the warnings itself (no_streamlit_warnings yields them)",
    )


@pytest.fixture(autouse=True)
def no_streamlit_warnings(request, monkeypatch):
    """Records what Streamlit's loggers log (they do not propagate to the root logger, so pytest's
    log capture never sees them) and the Python warnings raised in Streamlit's or this project's
    code while the test runs; fails the test if there were any."""
    records: list[logging.LogRecord] = []
    handle = logging.Logger.handle

    def recording_handle(logger: logging.Logger, record: logging.LogRecord):
        if _counts(record):
            records.append(record)
        return handle(logger, record)

    monkeypatch.setattr(logging.Logger, "handle", recording_handle)
    # Streamlit warns of a widget's value set twice only once per process: reset, so every test can see it.
    from streamlit.elements.lib import policies

    monkeypatch.setattr(policies, "_shown_default_value_warning", False)
    with warnings.catch_warnings(record=True) as raised:
        warnings.simplefilter("always")
        yield records
    if request.node.get_closest_marker("streamlit_warnings_expected"):
        return
    ours = [warning for warning in raised if _ours(warning.filename)]
    problems = [f"{record.name}: {record.getMessage()}" for record in records]
    problems += [
        f"{warning.category.__name__} at {warning.filename}:{warning.lineno}: {warning.message}" for warning in ours
    ]
    if problems:
        pytest.fail("Warnings while the page ran:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture(autouse=True, scope="session")
def tensorflow_loaded_as_the_entry_file_loads_it():
    """A served lesson page runs after `streamlit_app.py`, which loads TensorFlow first (waiting for
    the course map's background import). AppTest's `switch_page` runs the page without the entry
    file (Streamlit's pages-folder mode), so a page's `import keras` raced the course map's
    background import and Python's import locks called it a deadlock (TensorFlow left half
    imported, 2026-12-07). The page tests load it once, as the entry file would."""
    from core.engine import warmup

    warmup.load()
