"""Private, temporary space for what a session unpacks (Lesson 4's zips), cleaned up for it.

Each upload used to leave a folder in the temporary directory for ever, failed ones too, where
any path typed into the page could reach it. Here every session gets its own folder under one
root (readable by the server's user only, named by a random token, not the session), a new
upload replaces the session's previous one, and a sweep deletes the folders of sessions that
have gone (their tab closed) or sat unused past `max_age_s`. The root's total size is bounded: an
upload that would pass the bound is refused once the sweep has freed what it can.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from core.base import language

DEFAULT_MAX_AGE_S = 3600.0
DEFAULT_MAX_TOTAL_BYTES = 2 * 2**30
SWEEP_EVERY_S = 60.0


class SessionFolders:
    """Folders for sessions' unpacked uploads: one per session, swept when the session has gone."""

    def __init__(
        self,
        root: Path | None = None,
        *,
        alive: Callable[[str], bool] | None = None,
        max_age_s: float = DEFAULT_MAX_AGE_S,
        max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES,
        clock: Callable[[], float] = time.monotonic,
        sweep_every_s: float | None = SWEEP_EVERY_S,
    ) -> None:
        if root is None:  # one folder per server process, inside one readable by this user only
            base = Path(tempfile.gettempdir()) / f"tf-first-steps-{os.getuid()}"
            base.mkdir(mode=0o700, exist_ok=True)
            base.chmod(0o700)
            _remove_stopped_servers(base)
            root = base / f"server-{os.getpid()}"
        self.root = Path(root)
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        for leftover in self.root.iterdir():  # nothing in it belongs to a live session yet
            _remove(leftover)
        self.max_age_s, self.max_total_bytes = max_age_s, max_total_bytes
        self._alive, self._clock = alive, clock
        self._lock = threading.Lock()
        self._folders: dict[str, Path] = {}  # owner -> its folder
        self._used: dict[str, float] = {}  # owner -> when its folder was last handed out
        if sweep_every_s is not None:
            sweeper = threading.Thread(target=self._keep_sweeping, args=(sweep_every_s,), daemon=True)
            sweeper.start()

    def fresh_folder(self, owner: str, needed_bytes: int = 0) -> Path:
        """An empty folder for this owner's next unpack; the owner's previous one is deleted. Raises
        `ValueError` when the space is full even after the sweep."""
        with self._lock:
            self._drop(owner)
            self._sweep()
            if self._total_bytes() + needed_bytes > self.max_total_bytes:
                raise language.LearnerError("base.messages.session_files.full")
            folder = self.root / secrets.token_hex(8)
            folder.mkdir(mode=0o700)
            self._folders[owner], self._used[owner] = folder, self._clock()
            return folder

    def touch(self, owner: str) -> None:
        """The owner still uses its folder (so the age limit counts from now)."""
        with self._lock:
            if owner in self._folders:
                self._used[owner] = self._clock()

    def release(self, owner: str) -> None:
        with self._lock:
            self._drop(owner)

    def sweep(self) -> None:
        with self._lock:
            self._sweep()

    def folder_of(self, owner: str) -> Path | None:
        with self._lock:
            return self._folders.get(owner)

    def _sweep(self) -> None:
        now = self._clock()
        for owner in list(self._folders):
            gone = self._alive is not None and not self._alive(owner)
            if gone or now - self._used[owner] > self.max_age_s:
                self._drop(owner)

    def _drop(self, owner: str) -> None:
        folder = self._folders.pop(owner, None)
        self._used.pop(owner, None)
        if folder is not None:
            _remove(folder)

    def _total_bytes(self) -> int:
        total = 0
        for walked, _, files in os.walk(self.root):
            for name in files:
                try:
                    total += (Path(walked) / name).lstat().st_size
                except OSError:
                    continue
        return total

    def _keep_sweeping(self, every_s: float) -> None:
        while True:
            time.sleep(every_s)
            try:
                self.sweep()
            except Exception:  # noqa: BLE001 - a failed sweep is retried at the next one
                continue


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _remove_stopped_servers(base: Path) -> None:
    """Deletes what servers that have stopped left behind (their process no longer exists)."""
    for folder in base.glob("server-*"):
        number = folder.name.removeprefix("server-")
        if number.isdigit() and not Path(f"/proc/{number}").exists():
            _remove(folder)
