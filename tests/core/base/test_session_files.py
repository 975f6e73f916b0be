"""What sessions unpack stays private to them and is deleted once they have gone."""

from __future__ import annotations

import os
import stat

import pytest

from core.base import session_files


def make_space(tmp_path, **options):
    options.setdefault("sweep_every_s", None)
    return session_files.SessionFolders(tmp_path / "space", **options)


def test_each_session_gets_its_own_private_folder_and_a_new_upload_replaces_the_old(tmp_path):
    space = make_space(tmp_path)
    alice, bob = space.fresh_folder("alice"), space.fresh_folder("bob")
    assert alice != bob and alice.parent == bob.parent == space.root
    assert stat.S_IMODE(alice.stat().st_mode) == 0o700 and stat.S_IMODE(space.root.stat().st_mode) == 0o700
    assert "alice" not in alice.name  # named by a random token, not by the session
    (alice / "marker").write_text("alice")
    again = space.fresh_folder("alice")
    assert not alice.exists() and again.exists() and bob.exists()
    assert space.folder_of("alice") == again


def test_a_session_that_has_gone_loses_its_folder_at_the_next_sweep(tmp_path):
    open_tabs = {"alice", "bob"}
    space = make_space(tmp_path, alive=lambda owner: owner in open_tabs)
    alice, bob = space.fresh_folder("alice"), space.fresh_folder("bob")
    (alice / "marker").write_text("alice")
    (bob / "marker").write_text("bob")
    space.sweep()
    assert alice.exists() and bob.exists()
    open_tabs.discard("alice")  # alice's tab closed
    space.sweep()
    assert not alice.exists() and (bob / "marker").read_text() == "bob"
    assert space.folder_of("alice") is None


def test_an_unused_folder_is_deleted_after_the_stated_time(tmp_path):
    now = [0.0]
    space = make_space(tmp_path, max_age_s=100, clock=lambda: now[0])
    alice, bob = space.fresh_folder("alice"), space.fresh_folder("bob")
    now[0] = 90.0
    space.touch("bob")  # bob's page still shows it
    now[0] = 150.0
    space.sweep()
    assert not alice.exists() and bob.exists()


def test_the_total_space_is_bounded(tmp_path):
    space = make_space(tmp_path, max_total_bytes=1000)
    (space.fresh_folder("alice") / "photos").write_bytes(b"x" * 800)
    with pytest.raises(ValueError, match="space for unpacked uploads is full"):
        space.fresh_folder("bob", needed_bytes=300)
    space.release("alice")
    assert space.fresh_folder("bob", needed_bytes=300).exists()


def test_a_new_server_clears_what_stopped_servers_left_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(session_files.tempfile, "gettempdir", lambda: str(tmp_path))
    base = tmp_path / f"tf-first-steps-{os.getuid()}"
    stopped, running = base / "server-999999999", base / f"server-{os.getppid()}"
    for folder in (stopped, running):
        (folder / "old").mkdir(parents=True)
    space = session_files.SessionFolders(sweep_every_s=None)
    assert space.root == base / f"server-{os.getpid()}"
    assert not stopped.exists() and running.exists()  # another live server's files are left alone
