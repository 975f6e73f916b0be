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

from core.base import language


def why_download_failed(error: BaseException, cache_folder: Path | None = None) -> str:
    """The reason in English (`download_failure` in the learner's language)."""
    return str(download_failure(error, cache_folder))


def download_failure(error: BaseException, cache_folder: Path | None = None) -> language.Message:
    """The reason, read from the error and the chain it was raised from (Keras wraps urllib's error
    in a bare `Exception`); `cache_folder` is named when it cannot be written to."""
    for cause in _causes(error):
        if isinstance(cause, urllib.error.HTTPError):
            return _said("refused", code=cause.code)
        if isinstance(cause, urllib.error.URLError):
            reason = cause.reason
            if isinstance(reason, socket.gaierror):
                return _said("no_internet")
            if isinstance(reason, TimeoutError):
                return _said("timed_out")
            if isinstance(reason, ssl.SSLError):
                return _said("not_secure")
            if isinstance(reason, FileNotFoundError):
                return _said("not_there")
            return _said("unreachable")
        if isinstance(cause, TimeoutError):
            return _said("timed_out")
        if isinstance(cause, ConnectionError):
            return _said("broken_off")
        if isinstance(cause, PermissionError):
            return _said("cache_not_writable", place=f" ({cache_folder})" if cache_folder is not None else "")
        if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
            return _said("disk_full")
    return _said("incomplete")


def _said(reason: str, **values: object) -> language.Message:
    return language.Message(f"data.downloads.{reason}", values)


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error and the ones it was raised from or during, outermost first."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
