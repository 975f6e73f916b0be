"""Download failures in plain words, for every data set the app downloads."""

from __future__ import annotations

import socket
import urllib.error

import pytest

from core.data import downloads


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (urllib.error.HTTPError("https://x", 403, "Forbidden", {}, None), "refused it (HTTP status 403)"),
        (urllib.error.URLError(TimeoutError("timed out")), "timed out"),
        (urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")), "could not be reached"),
        (OSError(28, "No space left on device"), "the disk is full"),
        (ValueError("Incomplete or corrupted file detected"), "did not complete"),
        (urllib.error.URLError(socket.gaierror(-2, "Name or service not known")), "no internet connection"),
        (urllib.error.URLError(FileNotFoundError(2, "No such file")), "the file is not there"),
        (PermissionError(13, "Permission denied"), "cache folder cannot be written to"),
    ],
)
def test_each_download_failure_is_named_without_its_exception_text(error, words):
    try:
        try:
            raise error
        except Exception as inner:  # wrapped in a bare Exception, as Keras wraps urllib's errors
            raise Exception(f"URL fetch failure on https://x: None -- {inner}") from None
    except Exception as wrapped:
        said = downloads.why_download_failed(wrapped)
    assert words in said and str(error) not in said
