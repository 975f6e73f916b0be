"""Who may type a folder path: a learner on their own machine, never a visitor of a shared server."""

from __future__ import annotations

import os

import pytest

from core.base import hosting, settings


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        (None, False),  # Streamlit's default: every interface
        ("", False),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("school-server.example", False),
    ],
)
def test_only_a_loopback_address_counts_as_a_private_server(address, loopback):
    assert hosting.listens_on_loopback_only(address) is loopback
    assert hosting.any_folder_allowed(address, settings.ServerSettings()) is loopback


@pytest.mark.parametrize(("setting", "allowed"), [("1", True), ("true", True), ("0", False), ("off", False)])
def test_the_setting_overrides_the_address_either_way(setting, allowed):
    server_settings = settings.ServerSettings.from_environment({hosting.ANY_FOLDER_VARIABLE: setting})
    assert hosting.any_folder_allowed("127.0.0.1", server_settings) is allowed
    assert hosting.any_folder_allowed(None, server_settings) is allowed


def test_an_unrecognised_setting_locks_the_folders():
    server_settings = settings.ServerSettings.from_environment({hosting.ANY_FOLDER_VARIABLE: "maybe"})
    assert hosting.any_folder_allowed("127.0.0.1", server_settings) is False


def test_configured_folders_are_offered_by_name_existing_ones_only(tmp_path):
    course = tmp_path / "horse-or-human"
    extra = tmp_path / "class-a" / "flowers"
    twin = tmp_path / "class-b" / "flowers"
    for folder in (course, extra, twin):
        folder.mkdir(parents=True)
    environ = {
        hosting.COURSE_FOLDER_VARIABLE: str(course),
        hosting.FOLDERS_VARIABLE: os.pathsep.join([str(extra), str(tmp_path / "missing"), "", str(twin), str(course)]),
    }
    folders = hosting.configured_folders(settings.ServerSettings.from_environment(environ))
    assert folders == {"horse-or-human": course, "flowers": extra, "flowers (2)": twin}
    assert all(str(tmp_path) not in name for name in folders)  # visitors see names, never paths


def test_no_configured_folders_is_an_empty_offer():
    assert hosting.configured_folders(settings.ServerSettings()) == {}
