"""Streamlit Community Cloud installs requirements.txt with pip on Linux: it must resolve there."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPOSITORY

PYTHON = "3.12"  # the README's deploy section names it
PLATFORMS = ("manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64")


def test_requirements_resolve_for_python_3_12_on_linux_with_wheels_only(tmp_path):
    """A dry run of pip for the cloud's interpreter and platform, binary wheels only (a source build
    of any package would be slow or fail there); nothing is installed here."""
    platforms = [argument for platform in PLATFORMS for argument in ("--platform", platform)]
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--only-binary=:all:"]
        + ["--python-version", PYTHON, "--implementation", "cp", "--abi", f"cp{PYTHON.replace('.', '')}"]
        + platforms
        + ["--target", str(tmp_path / "target"), "-r", str(REPOSITORY / "requirements.txt")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    [plan] = [line for line in result.stdout.splitlines() if line.startswith("Would install")]
    for pinned in ("tensorflow_cpu-2.21.0", "streamlit-1.67.0", "keras-3.15.1", "plotly-7.1.0"):
        assert pinned in plan.split(), plan
    assert not any(package.lower().startswith("ray-") for package in plan.split())  # Ray stays optional
