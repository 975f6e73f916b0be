"""A fast first visit: the course map never waits for TensorFlow; the lessons get it in the background."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import REPOSITORY

PROBE = textwrap.dedent(
    """
    import importlib.abc, sys, threading, time

    importers = []

    class Watch(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "tensorflow" and not importers:
                importers.append(threading.current_thread().name)
            return None

    sys.meta_path.insert(0, Watch())
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file("streamlit_app.py", default_timeout=120).run()
    assert not app.exception, app.exception
    assert app.title[0].value == "TensorFlow first steps, by doing them"
    print("home drawn; tensorflow imported by:", importers or ["nobody yet"], flush=True)
    from core.engine import warmup
    deadline = time.monotonic() + 120
    while not warmup.loaded() and time.monotonic() < deadline:
        time.sleep(0.1)
    print("after the home page:", "loaded" if warmup.loaded() else "not loaded", importers)
    """
)


def test_the_home_page_never_imports_tensorflow_and_starts_it_in_the_background():
    """Run in a fresh interpreter (this one has long imported TensorFlow): only the warm-up thread,
    started once the map is drawn, imports it; the page's own script never does."""
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=REPOSITORY, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    drawn, after = [line for line in result.stdout.splitlines() if line.startswith(("home drawn", "after"))]
    assert "ScriptRunner" not in drawn and "MainThread" not in drawn, drawn
    assert after == "after the home page: loaded ['tensorflow-warmup']", (after, result.stderr[-3000:])
