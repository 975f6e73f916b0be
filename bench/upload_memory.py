"""Memory around Lesson 4 sessions on an uploaded zip, driven through the page as a visitor would.

Two sessions one after the other, in one process as a server runs them: each uploads the same zip
of PHOTOS random 64×64 photos, decodes them at 150×150, trains the course's network for one epoch
and closes (its session is dropped). Resident memory (VmRSS, after a garbage collection and
`malloc_trim`) is read before the first session and after each; the peak is VmHWM during the
second. TensorFlow keeps the first training's working memory for the next (its oneDNN allocator
pools what it has allocated), so the second session shows what a session leaves behind: the
target is at most 10% above where the first one left the server.

Run with `python -m bench upload_memory`; the last line is the JSON result.
"""

from __future__ import annotations

import gc
import io
import time
import zipfile
from pathlib import Path

PHOTOS = 1_000
EPOCHS = 1
BOUND = 0.10  # what a session may leave behind, as a share of the resident memory before it


def status_mb(field: str) -> float:
    line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith(field + ":"))
    return int(line.split()[1]) / 1024


def settled_mb() -> float:
    """Resident memory once what can be freed has been, and handed back to the system."""
    from core.base import limits

    while gc.collect():
        pass
    limits.return_freed_memory()
    return round(status_mb("VmRSS"))


def photos_zip(count: int) -> bytes:
    import numpy as np
    from PIL import Image

    random = np.random.default_rng(0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for number in range(count):
            photo = io.BytesIO()
            Image.fromarray(random.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(photo, format="PNG")
            bundle.writestr(f"{'ab'[number % 2]}/{number}.png", photo.getvalue())
    return buffer.getvalue()


def session(data: bytes) -> int:
    """One visitor: upload, decode, train, and the tab closes. Returns the runs it recorded."""
    from streamlit.testing.v1 import AppTest

    from core.base import course
    from ui import session as app_session

    app = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "streamlit_app.py"), default_timeout=600)
    app.run()
    app.switch_page("pages/real_world_images.py").run()
    app.radio(key="rw_source").set_value("Upload a zip of class folders").run()
    app.file_uploader(key="rw_zip").set_value(("photos.zip", data, "application/zip")).run()
    app.slider(key="rw_epochs").set_value(EPOCHS)
    app.button(key="FormSubmitter:rw_settings-Train").click().run()
    assert not app.exception and not app.error, (app.exception, [error.value for error in app.error])
    deadline = time.monotonic() + 600
    lesson = app_session.of(app.session_state).track(course.REAL_WORLD_IMAGES.track)
    while lesson.jobs.active is not None:
        assert time.monotonic() < deadline, "the training did not end in time"
        time.sleep(0.5)
        app.run()
    return len(lesson.runs)


def run(photos: int = PHOTOS) -> dict:
    from core.base import limits
    from core.real_world_images import network

    data = photos_zip(photos)
    started = time.perf_counter()
    before = settled_mb()
    first_runs = session(data)
    after_first = settled_mb()
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM from here on
    second_runs = session(data)
    peak = round(status_mb("VmHWM"))
    after_second = settled_mb()
    config = network.RealWorldConfig()
    estimate = limits.training_bytes(network.cost(config), config.batch_size, network.photo_cost(config, photos))
    return {
        "benchmark": "upload_memory",
        "photos": photos,
        "runs": [first_runs, second_runs],
        "before_mb": before,
        "after_first_session_mb": after_first,
        "second_session_peak_mb": peak,
        "after_second_session_mb": after_second,
        "left_by_second_session": round(after_second / after_first - 1, 3),
        "bound": BOUND,
        "training_cost_mb": round(estimate / 2**20),
        "seconds": round(time.perf_counter() - started, 1),
    }
