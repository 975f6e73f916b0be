"""Memory over time, as CI runs it: 30 train-and-predict cycles of Lessons 1-3 in one process, a
fresh one as a server starts. Run inside the test run's own process, after a hundred other tests,
it once measured 56.8 MB of growth (bound 50; not traced), where a fresh process measured 12.6 MB."""

from __future__ import annotations

import json
import subprocess
import sys

from bench import memory
from tests.conftest import REPOSITORY


def test_resident_memory_stays_flat_over_thirty_cycles(test_output):
    finished = subprocess.run(
        [sys.executable, "-m", "bench", "memory"], cwd=REPOSITORY, capture_output=True, text=True, timeout=900
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    (test_output / "memory.json").write_text(json.dumps(result, indent=2))
    assert len(result["rss_mb"]) == memory.CYCLES
    assert result["growth_after_warm_up_mb"] <= memory.BOUND_MB, result
