"""TensorFlow's import, once per server: afterwards a full garbage collection no longer walks it."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPOSITORY

FULL_COLLECTION = """
import gc, time
from core.engine import warmup
warmup.load()
frozen = gc.get_freeze_count()
started = time.thread_time()
gc.collect()
print(frozen, time.thread_time() - started)
"""


def test_tensorflows_objects_are_out_of_the_collectors_way_once_loaded():
    # A fresh process: this one's collector is shared by every other test.
    shown = subprocess.run(
        [sys.executable, "-c", FULL_COLLECTION], cwd=REPOSITORY, capture_output=True, text=True, check=True
    ).stdout.split()
    frozen, collection_s = int(shown[-2]), float(shown[-1])
    assert frozen > 100_000  # TensorFlow and Keras alone are hundreds of thousands of objects
    assert collection_s < 0.05  # it took about 0.25 s with them in sight
