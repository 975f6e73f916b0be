"""Why a download failed, in words a learner can act on: every lesson that downloads data (Keras's
Fashion-MNIST and MNIST, the course's horse-or-human archives) says it the same way, and never
shows the library's exception text ("URL fetch failure on ...: None -- [Errno -2] ...")."""

from __future__ import annotations

import errno
import socket
import ssl
import urllib.error
from collections.abc import Iterator
from pathlib import Path


def why_download_failed(error: BaseException, cache_folder: Path | None = None) -> str:
    """The reason, read from the error and the chain it was raised from (Keras wraps urllib's error
    in a bare `Exception`); `cache_folder` is named when it cannot be written to."""
    for cause in _causes(error):
        if isinstance(cause, urllib.error.HTTPError):
            return f"the download server refused it (HTTP status {cause.code})"
        if isinstance(cause, urllib.error.URLError):
            reason = cause.reason
            if isinstance(reason, socket.gaierror):
                return "no internet connection (this computer could not find the download server)"
            if isinstance(reason, TimeoutError):
                return "the connection timed out"
            if isinstance(reason, ssl.SSLError):
                return "the secure connection could not be checked (a proxy in between?)"
            if isinstance(reason, FileNotFoundError):
                return "the file is not there"
            return "the download server could not be reached"
        if isinstance(cause, TimeoutError):
            return "the connection timed out"
        if isinstance(cause, ConnectionError):
            return "the connection was refused or broken off"
        if isinstance(cause, PermissionError):
            place = f" ({cache_folder})" if cache_folder is not None else ""
            return f"the cache folder{place} cannot be written to"
        if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
            return "the disk is full"
    return "the download did not complete"


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error and the ones it was raised from or during, outermost first."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
