"""Lesson 4's folder plumbing against trees and zips written by the tests, attacks included."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.data import image_folders

CLASS_SIZES = {"horses": 3, "humans": 2}


def png_bytes(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def write_tree(root: Path) -> None:
    """Two classes plus the junk a real download brings along."""
    for class_name, count in CLASS_SIZES.items():
        (root / class_name).mkdir(parents=True)
        for number in range(count):
            (root / class_name / f"{class_name}{number}.png").write_bytes(png_bytes((number * 40, 0, 0)))
    (root / ".DS_Store").write_bytes(b"junk")
    (root / "humans" / ".hidden.png").write_bytes(png_bytes())
    (root / "__MACOSX" / "horses").mkdir(parents=True)
    (root / "__MACOSX" / "horses" / "._horses0.png").write_bytes(b"junk")
    (root / "horses" / "notes.txt").write_text("not an image")
    (root / "zebras").mkdir()


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def good_members(prefix: str = "") -> dict[str, bytes]:
    members = {
        f"{prefix}{class_name}/{class_name}{number}.png": png_bytes((number * 40, 0, 0))
        for class_name, count in CLASS_SIZES.items()
        for number in range(count)
    }
    members |= {f"__MACOSX/{prefix}horses/._x.png": b"junk", f"{prefix}.DS_Store": b"junk", "readme.txt": b"hello"}
    return members


def patch_central_directory(data: bytes, field_offset: int, value: int, field_format: str) -> bytes:
    """Rewrites one field of a single-member zip's central directory entry, which is what zipfile reads."""
    start = data.index(b"PK\x01\x02") + field_offset
    return data[:start] + struct.pack(field_format, value) + data[start + struct.calcsize(field_format) :]


def files_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def test_scan_folder_numbers_sorted_classes_and_summarises_junk(tmp_path):
    write_tree(tmp_path)
    outside = tmp_path.parent / f"{tmp_path.name}-outside.png"
    outside.write_bytes(png_bytes())
    os.symlink(outside, tmp_path / "humans" / "escape.png")

    folder = image_folders.scan_folder(tmp_path)

    assert folder.class_names == ("horses", "humans")
    assert folder.counts == CLASS_SIZES
    assert [(path.relative_to(tmp_path).as_posix(), index) for path, index in folder.files] == [
        ("horses/horses0.png", 0),
        ("horses/horses1.png", 0),
        ("horses/horses2.png", 0),
        ("humans/humans0.png", 1),
        ("humans/humans1.png", 1),
    ]
    notes = "\n".join(folder.skipped)
    for ignored in (".DS_Store", "humans/.hidden.png", "__MACOSX", "horses/notes.txt", "zebras/", "escape.png"):
        assert ignored in notes
    assert len(folder.skipped) <= 6


def test_scan_folder_summarises_many_junk_files_in_one_line(tmp_path):
    write_tree(tmp_path)
    for number in range(500):
        (tmp_path / "horses" / f"log{number}.txt").write_text("x")

    folder = image_folders.scan_folder(tmp_path)

    junk_notes = [note for note in folder.skipped if "non-image" in note]
    assert len(junk_notes) == 1 and junk_notes[0].startswith("501 ")
    assert len(junk_notes[0]) < 200


def test_scan_folder_refuses_one_class_and_missing_paths(tmp_path):
    (tmp_path / "horses").mkdir()
    (tmp_path / "horses" / "a.png").write_bytes(png_bytes())
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match=r"Found 1 class.*horses/.*one sub-folder per class"):
        image_folders.scan_folder(tmp_path)
    with pytest.raises(ValueError, match="missing"):
        image_folders.scan_folder(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="not a folder"):
        image_folders.scan_folder(tmp_path / "horses" / "a.png")


def test_scan_folder_gives_up_on_a_folder_far_bigger_than_a_training_set(tmp_path):
    write_tree(tmp_path)
    for number in range(30):
        (tmp_path / "horses" / "deep" / str(number)).mkdir(parents=True)
    assert image_folders.scan_folder(tmp_path, max_entries=100).class_names == ("horses", "humans")
    with pytest.raises(ValueError, match=r"more than 20 files and folders.*class folders"):
        image_folders.scan_folder(tmp_path, max_entries=20)


def test_scan_folder_of_the_whole_disk_is_a_message_not_a_crash():
    with pytest.raises(ValueError, match="one sub-folder per class|more than"):
        image_folders.scan_folder(Path("/"), max_entries=5_000)


@pytest.mark.parametrize("path", ["a" * 5000, "/tmp/\x00evil", "/" + "deep/" * 300])
def test_scan_folder_refuses_absurd_paths_with_a_message(path):
    with pytest.raises(ValueError) as refused:
        image_folders.scan_folder(Path(path))
    assert "Traceback" not in str(refused.value) and len(str(refused.value)) < 300


def test_scan_folder_reports_unreadable_folders(tmp_path, monkeypatch):
    """Permissions cannot lock out the root user the tests may run as, so the errors are injected."""
    write_tree(tmp_path)
    real_walk = os.walk

    def walk_with_a_locked_folder(top, onerror=None, followlinks=False):
        onerror(PermissionError(13, "Permission denied", str(Path(top) / "locked")))
        yield from real_walk(top, followlinks=followlinks)

    monkeypatch.setattr(image_folders.os, "walk", walk_with_a_locked_folder)
    folder = image_folders.scan_folder(tmp_path)
    assert any("could not be read" in note and "locked/" in note for note in folder.skipped)

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "iterdir", refuse)
    with pytest.raises(ValueError, match=r"could not be read \(Permission denied\)"):
        image_folders.scan_folder(tmp_path)


def test_class_root_unwraps_one_folder_holding_the_classes_and_ignores_hidden_siblings(tmp_path):
    wrapped = tmp_path / "wrapped"
    write_tree(wrapped / "horse-or-human")
    (wrapped / "__MACOSX" / "horse-or-human" / "horses").mkdir(parents=True)
    (wrapped / ".cache" / "thumbnails").mkdir(parents=True)
    assert image_folders.class_root(wrapped) == wrapped / "horse-or-human"
    assert image_folders.scan_folder(image_folders.class_root(wrapped)).counts == CLASS_SIZES

    two_classes = tmp_path / "two-classes"
    write_tree(two_classes)  # its own __MACOSX and .DS_Store sit beside horses/ and humans/
    assert image_folders.class_root(two_classes) == two_classes

    one_folder_of_images = tmp_path / "one-folder"
    (one_folder_of_images / "horses").mkdir(parents=True)
    (one_folder_of_images / "horses" / "a.png").write_bytes(png_bytes())
    assert image_folders.class_root(one_folder_of_images) == one_folder_of_images  # nothing to unwrap


@pytest.mark.parametrize("prefix", ["", "horse-or-human/"])
def test_extract_zip_safely_unpacks_class_folders_and_skips_junk(tmp_path, prefix):
    upload = tmp_path / "upload.zip"
    upload.write_bytes(zip_bytes(good_members(prefix)))

    folder, skipped = image_folders.extract_zip_safely(upload, tmp_path / "out")

    assert folder.root == (tmp_path / "out" / prefix).resolve()
    assert folder.class_names == ("horses", "humans")
    assert folder.counts == CLASS_SIZES
    for path, _ in folder.files:
        assert path.read_bytes() == good_members(prefix)[path.relative_to(tmp_path / "out").as_posix()]
    notes = "\n".join(map(str, skipped))
    for junk in ("__MACOSX", ".DS_Store", "readme.txt"):
        assert junk in notes
    unpacked = {path.name for path in files_under(tmp_path / "out")}
    assert not unpacked & {"__MACOSX", ".DS_Store", "readme.txt", "._x.png"}


def test_extract_zip_safely_accepts_bytes_and_refuses_a_full_destination(tmp_path):
    data = zip_bytes(good_members())
    folder, _ = image_folders.extract_zip_safely(data, tmp_path / "first")
    assert folder.counts == CLASS_SIZES
    with pytest.raises(ValueError, match="empty folder"):
        image_folders.extract_zip_safely(data, tmp_path / "first")
    with pytest.raises(ValueError, match="more than the 0 MB allowed"):
        image_folders.extract_zip_safely(
            data, tmp_path / "second", image_folders.ZipLimits(max_zip_bytes=len(data) - 1)
        )
    assert not (tmp_path / "second").exists()  # refused before anything was written


def symlink_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in good_members().items():
            archive.writestr(name, data)
        link = zipfile.ZipInfo("horses/link.png")
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def stretched_member_zip() -> bytes:
    """A member whose header declares 10 bytes while it really holds a whole PNG."""
    data = zip_bytes({"horses/a.png": png_bytes()})
    return patch_central_directory(data, field_offset=24, value=10, field_format="<I")


def encrypted_member_zip() -> bytes:
    data = zip_bytes({"horses/a.png": png_bytes()})
    return patch_central_directory(data, field_offset=8, value=0x1, field_format="<H")


ATTACKS = {
    "parent traversal": (zip_bytes({"../evil.png": png_bytes()}), {}, "'..'"),
    "nested traversal": (zip_bytes({"horses/../../evil.png": png_bytes()}), {}, "'..'"),
    "backslash traversal": (zip_bytes({"horses\\..\\..\\evil.png": png_bytes()}), {}, "'..'"),
    "absolute path": (zip_bytes({"/abs.png": png_bytes()}), {}, "absolute"),
    "drive letter": (zip_bytes({"C:/evil.png": png_bytes()}), {}, "absolute"),
    "symlink": (symlink_zip(), {}, "symbolic link"),
    "too many files": (zip_bytes(good_members()), {"max_files": 3}, "entries"),
    "total size": (zip_bytes(good_members()), {"max_total_bytes": 4 * len(png_bytes())}, "in total"),
    "member size": (zip_bytes(good_members()), {"max_member_bytes": 10}, "for one file"),
    "zip bomb": (
        zip_bytes({"horses/big.png": bytes(1024 * 1024)}, zipfile.ZIP_DEFLATED),
        {"max_ratio": 10},
        "zip bomb",
    ),
    "not a zip": (b"this is not a zip file", {}, "not a readable zip"),
    "lying size": (stretched_member_zip(), {}, "horses/a.png"),
    "encrypted": (encrypted_member_zip(), {}, "encrypted"),
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_extract_zip_safely_refuses_attacks_and_writes_nothing(tmp_path, attack):
    data, limits, reason = ATTACKS[attack]
    workspace = tmp_path / "work"
    workspace.mkdir()
    before = files_under(tmp_path)
    destination = workspace / "out"

    with pytest.raises(ValueError, match=reason):
        image_folders.extract_zip_safely(data, destination, image_folders.ZipLimits(**limits))

    assert files_under(tmp_path) - before <= {destination}
    assert not destination.exists() or not any(destination.iterdir())
    assert not Path("/abs.png").exists()


def test_make_synthetic_dataset_draws_two_deterministic_classes(tmp_path):
    folder = image_folders.make_synthetic_dataset(tmp_path / "a", per_class=6, seed=3)
    again = image_folders.make_synthetic_dataset(tmp_path / "b", per_class=6, seed=3)
    other_seed = image_folders.make_synthetic_dataset(tmp_path / "c", per_class=6, seed=4)

    assert folder.class_names == ("circles", "squares")
    assert folder.counts == {"circles": 6, "squares": 6}
    assert folder.skipped == ()
    pictures = []
    for path, _ in folder.files:
        with Image.open(path) as image:
            assert (image.format, image.mode, image.size) == ("PNG", "RGB", (150, 150))
            pictures.append(np.asarray(image))
    first = folder.files[0][0]
    assert first.read_bytes() == again.files[0][0].read_bytes()
    assert first.read_bytes() != other_seed.files[0][0].read_bytes()
    circles = pictures[:6]
    assert all(not np.array_equal(circles[0], picture) for picture in circles[1:])


def test_every_kind_of_left_out_note_is_said_in_korean_with_its_english_unchanged():
    from core.base import language

    log = image_folders._SkipLog()
    for kind in image_folders._SKIP_KINDS:
        log.add(kind, "example")
    korean = language.words("ko")
    for english, said in zip(log.notes(), log.notes_said(), strict=True):
        assert str(said) == english and korean.say(said) != english
