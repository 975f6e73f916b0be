"""Shared test settings: quiet TensorFlow, the repository on sys.path, and a test-output folder."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Ray clusters since 2.59 require a token, which every client reads from ~/.ray/auth_token; Ray
# reads the mode when it is imported, so it is set before any test imports it.
os.environ.setdefault("RAY_AUTH_MODE", "token")

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
TEST_OUTPUT = REPOSITORY / "test-output"


@pytest.fixture(scope="session")
def test_output() -> Path:
    """Screenshots and other artefacts land here; git ignores the folder."""
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT


@pytest.fixture(scope="session")
def ray_address():
    """The address of a running Ray cluster for the Ray tests: the one .ci/run started (it sets
    RAY_TEST_ADDRESS), or a two-CPU head started here and stopped afterwards."""
    import shutil
    import socket
    import subprocess

    address = os.environ.get("RAY_TEST_ADDRESS")
    if address:
        yield address
        return
    ray = shutil.which("ray")
    if ray is None:
        pytest.fail("the ray command is missing: install requirements-dev.txt (bash .ci/run does)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    start = [ray, "start", "--head", f"--port={port}", "--node-ip-address=127.0.0.1", "--num-cpus=2"]
    options = ["--include-dashboard=false", "--disable-usage-stats"]
    subprocess.run([*start, *options], check=True, capture_output=True, timeout=120)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([ray, "stop", "--force"], capture_output=True, timeout=120)
