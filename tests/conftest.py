"""Shared test settings: quiet TensorFlow, the repository on sys.path, and a test-output folder."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
TEST_OUTPUT = REPOSITORY / "test-output"


@pytest.fixture(scope="session")
def test_output() -> Path:
    """Screenshots and other artefacts land here; git ignores the folder."""
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT
