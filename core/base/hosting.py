"""What this server lets a visitor reach: a learner's own laptop, or a server shared by a class.

On a shared server every visitor is a stranger, so Lesson 4 offers only the training folders its
operator configured (`HORSE_OR_HUMAN_DIR`, and any in `TRAINING_FOLDERS`), never a path typed in
the page: a free path would list and show whatever the server can read, other visitors' unpacked
uploads included. A learner running the app for themselves may type any folder of their own.

The two cases are told apart by `ANY_FOLDER` (`1` or `0`); without it, free paths are on only when
the server listens on loopback alone (`--server.address 127.0.0.1` or `localhost`), which nobody
else can reach. Streamlit's default listens on every interface, so a server started without
either setting is treated as shared. The three variables are read with the server's other
settings (`core.base.settings`).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from core.base import settings

ANY_FOLDER_VARIABLE = settings.ANY_FOLDER_VARIABLE
FOLDERS_VARIABLE = settings.FOLDERS_VARIABLE  # folders for Lesson 4, separated like PATH (":" on Linux)
COURSE_FOLDER_VARIABLE = settings.COURSE_FOLDER_VARIABLE


def listens_on_loopback_only(server_address: str | None) -> bool:
    """True when the server's address can only be reached from this machine."""
    address = (server_address or "").strip().strip("[]")
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:  # empty (every interface) or a host name
        return False


def any_folder_allowed(server_address: str | None, server_settings: settings.ServerSettings | None = None) -> bool:
    """Whether a visitor may type any folder path: `ANY_FOLDER` says so, or else the server
    listens on loopback only. An unrecognised `ANY_FOLDER` value counts as no."""
    any_folder = (server_settings or settings.current()).any_folder
    if any_folder is not None:
        return any_folder
    return listens_on_loopback_only(server_address)


def configured_folders(server_settings: settings.ServerSettings | None = None) -> dict[str, Path]:
    """The training folders the operator offers, by the name shown to visitors (the folder's own
    name, never its path); folders that do not exist are left out."""
    chosen = server_settings or settings.current()
    entries = [folder for folder in (chosen.course_folder, *chosen.training_folders) if folder is not None]
    folders: dict[str, Path] = {}
    for entry in entries:
        path = entry.expanduser()
        if not path.is_dir() or path.resolve() in (known.resolve() for known in folders.values()):
            continue
        name, number = path.name or str(path), 2
        label = name
        while label in folders:
            label, number = f"{name} ({number})", number + 1
        folders[label] = path
    return folders
