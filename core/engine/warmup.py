"""TensorFlow takes seconds to import; the course map does not need it, the lessons do.

The home page never imports it. Once the home page is drawn, `start_in_background` imports it in
a daemon thread, so that by the time a learner opens a lesson it is usually ready; a lesson
opened sooner waits for it (Python's import lock) behind a "loading TensorFlow" message instead
of a blank page.

Once imported, TensorFlow's objects (about 400,000 of them) live as long as the process. They are
moved out of the garbage collector's sight (`gc.freeze`): every full collection walked them all,
about a quarter of a CPU-second each, which a busy server's page runs set off every so often, and
each closed tab twice more (`ui.server_guards`). Objects made later, the sessions' state among
them, are collected as before; the little that the sessions open at that moment hold is kept.
"""

from __future__ import annotations

import gc
import importlib
import threading
import time

_loaded = threading.Event()
_started = threading.Lock()
_thread: threading.Thread | None = None


def loaded() -> bool:
    """Whether TensorFlow and Keras are fully imported in this process."""
    return _loaded.is_set()


def load(attempts: int = 3) -> None:
    """Imports TensorFlow and Keras in this thread, or waits for the background import under way.

    Two threads importing TensorFlow at once can fail: Python's per-module import locks found a
    "deadlock" between the background import and a lesson's script run importing Keras (seen in the
    page tests, 2026-12-07), and TensorFlow was left half imported for the process's life. So a
    thread that finds the background import running waits for it to end instead.

    Streamlit puts the app's folder on `sys.path` for each script run and takes it off again; an
    import searching `sys.path` at that moment in another thread can skip an entry and report the
    module missing (seen once in six runs of the first-visit test). Nothing was imported then, so
    the import is simply tried again."""
    background = _thread
    if background is not None and background is not threading.current_thread():
        background.join()
        if _loaded.is_set():
            return
    for attempt in range(attempts):
        try:
            importlib.import_module("tensorflow")
            importlib.import_module("keras")
        except ModuleNotFoundError as problem:
            if problem.name not in ("tensorflow", "keras") or attempt == attempts - 1:
                raise
            time.sleep(0.1)
        else:
            gc.freeze()  # what exists now stays for the process's life: no collection need walk it again
            _loaded.set()
            return


def start_in_background() -> None:
    """Starts the import once per process, in a daemon thread; later calls do nothing."""
    global _thread
    with _started:
        if _thread is None and not _loaded.is_set():
            _thread = threading.Thread(target=load, name="tensorflow-warmup", daemon=True)
            _thread.start()
