"""Shared test settings: quiet TensorFlow, the repository on sys.path, a test-output folder, and the
server's settings read afresh for every test."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Ray clusters since 2.59 require a token. Ray 2.60 reads the mode when it is imported, so it is
# set before any test imports Ray; it reads the token (RAY_AUTH_TOKEN, else ~/.ray/auth_token) when
# a process first connects, and keeps it, so the `ray_address` fixture may set one later.
os.environ.setdefault("RAY_AUTH_MODE", "token")

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
TEST_OUTPUT = REPOSITORY / "test-output"


@pytest.fixture(autouse=True)
def fresh_server_settings():
    """Every test starts and ends with the server's settings unread (`core.base.settings.forget`),
    so the variables a test sets count, and none outlives it, in whatever order the tests run."""
    from core.base import settings

    settings.forget()
    yield
    settings.forget()


@pytest.fixture(scope="session")
def test_output() -> Path:
    """Screenshots and other artefacts land here; git ignores the folder."""
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT


@pytest.fixture(scope="session")
def ray_address():
    """The address of a running Ray cluster for the Ray tests: the one .ci/run started (it sets
    RAY_TEST_ADDRESS), or a two-CPU head started here and stopped afterwards.

    The head started here gets a fresh token in RAY_AUTH_TOKEN, shared with this process's Ray
    clients, unless a token is set already: a machine that never ran Ray has none, and nothing is
    written to ~/.ray. It is stopped by ending its own process group, since `ray stop` would stop
    every Ray on the machine, another test run's included."""
    import contextlib
    import secrets
    import shutil
    import signal
    import socket
    import subprocess

    address = os.environ.get("RAY_TEST_ADDRESS")
    if address:
        yield address
        return
    ray = shutil.which("ray")
    if ray is None:
        pytest.fail("the ray command is missing: install requirements-dev.txt (bash .ci/run does)")
    own_token = not (os.environ.get("RAY_AUTH_TOKEN") or os.environ.get("RAY_AUTH_TOKEN_PATH"))
    if own_token:
        os.environ["RAY_AUTH_TOKEN"] = secrets.token_hex(32)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    start = [ray, "start", "--head", f"--port={port}", "--node-ip-address=127.0.0.1", "--num-cpus=2"]
    options = ["--include-dashboard=false", "--disable-usage-stats"]
    # A session of its own: the head's processes (and the workers they start) share its group.
    head = subprocess.Popen(
        [*start, *options], env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        _, errors = head.communicate(timeout=120)
        if head.returncode != 0:
            pytest.fail(f"ray start failed:\n{errors.decode(errors='replace')[-3000:]}")
        yield f"127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):  # as `ray stop --force` does, but only to this head
            os.killpg(head.pid, signal.SIGKILL)
        head.wait(timeout=60)
        if own_token:
            os.environ.pop("RAY_AUTH_TOKEN", None)
