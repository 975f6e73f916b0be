"""Folders of photos where each sub-folder is one class (Lesson 4, and any lesson that trains on photos).

The course trains on a folder such as horse-or-human, with `horses/` and `humans/` inside, and lets
Keras's `flow_from_directory` turn the sorted sub-folder names into class indices. This module is the
plumbing before training: it scans such a folder, unpacks a learner's uploaded zip of one without
trusting it, and draws an offline sample of circles and squares so the lesson works with no download.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np
from PIL import Image, ImageDraw

from core.base import language
from core.data import uploads

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp")
EXPECTED_LAYOUT = "one sub-folder per class, e.g. horses/ and humans/"
_LAYOUT = language.Message("data.image_folders.expected_layout")  # EXPECTED_LAYOUT, in the learner's language
SYSTEM_FILES = ("thumbs.db", "desktop.ini")
MACOS_METADATA = "__MACOSX"
COPY_CHUNK_BYTES = 64 * 1024
EXAMPLES_PER_NOTE = 3
MAX_SCAN_ENTRIES = 100_000  # files and folders a scan looks at before it gives up
MAX_PATH_CHARS = 1024


@dataclass(frozen=True)
class ImageFolder:
    """A scanned folder of class sub-folders, in the order `flow_from_directory` would number them."""

    root: Path
    class_names: tuple[str, ...]  # sorted sub-folder names that contain at least one image
    files: tuple[tuple[Path, int], ...]  # (image path, class index), sorted by class then path
    skipped: tuple[str, ...]  # one summarised note per kind of thing that was ignored, in English
    skipped_said: tuple[language.Message, ...] = ()  # the same notes, to be said in the learner's language

    @property
    def counts(self) -> dict[str, int]:
        """How many images each class has, which shows at a glance whether the classes are balanced."""
        counts = dict.fromkeys(self.class_names, 0)
        for _, class_index in self.files:
            counts[self.class_names[class_index]] += 1
        return counts


@dataclass(frozen=True)
class ZipLimits:
    """How much an uploaded zip may unpack to; a small zip can otherwise expand to fill the disk."""

    max_zip_bytes: int = 150 * 1024 * 1024  # the zip itself (the course's horse-or-human.zip is 143 MiB)
    max_total_bytes: int = 300 * 1024 * 1024  # uncompressed size of all kept members together
    max_files: int = 5000  # entries in the zip, junk and folders included
    max_ratio: float = 100.0  # per member, uncompressed size over compressed size
    max_member_bytes: int = 20 * 1024 * 1024  # uncompressed size of any one member


class _SkipLog:
    """Collects what was ignored by kind, so a folder with thousands of junk files yields a few lines."""

    def __init__(self) -> None:
        self._names: dict[str, list[str]] = {}

    def add(self, kind: str, name: str) -> None:
        self._names.setdefault(kind, []).append(name)

    def notes(self) -> list[str]:
        notes = []
        for kind, names in self._names.items():
            examples = ", ".join(names[:EXAMPLES_PER_NOTE]) + (", …" if len(names) > EXAMPLES_PER_NOTE else "")
            notes.append(f"{len(names)} {kind}: {examples}")
        return notes

    def notes_said(self) -> list[language.Message]:
        """The notes, in the learner's language: each kind by its entry in data.image_folders.skipped."""
        notes = []
        for kind, names in self._names.items():
            examples = ", ".join(names[:EXAMPLES_PER_NOTE]) + (", …" if len(names) > EXAMPLES_PER_NOTE else "")
            said = _SKIP_KINDS.get(kind)
            kind_said = kind if said is None else language.Message(f"data.image_folders.skipped.{said[0]}", said[1])
            values = {"count": len(names), "kind": kind_said, "examples": examples}
            notes.append(language.Message("data.image_folders.skipped.note", values))
        return notes


# Each kind of thing a scan leaves out (as `_SkipLog` names it in English): its entry and values.
_SKIP_KINDS: dict[str, tuple[str, dict[str, object]]] = {
    f"macOS metadata ({MACOS_METADATA}) entries ignored": ("macos_metadata", {"folder": MACOS_METADATA}),
    "hidden files or folders ignored": ("hidden", {}),
    "system files ignored": ("system_files", {}),
    f"non-image files ignored (images end in {', '.join(IMAGE_SUFFIXES)})": (
        "not_images",
        {"suffixes": ", ".join(IMAGE_SUFFIXES)},
    ),
    "links not followed": ("links", {}),
    "files outside any class folder ignored": ("outside_classes", {}),
    "folders without images ignored": ("no_images", {}),
    "folders that could not be read ignored": ("unreadable_folders", {}),
    "folders ignored": ("folders", {}),
    "links leading outside the folder ignored": ("links_outside", {}),
    "files that are not usable photos (empty, damaged, too large or another format) left out": ("unusable_photos", {}),
}


def _junk_kind(parts: Iterable[str]) -> str | None:
    """Why a path (as its parts) is not a training image, or None when it is one."""
    parts = tuple(parts)
    if MACOS_METADATA in parts:
        return f"macOS metadata ({MACOS_METADATA}) entries ignored"
    if any(part.startswith(".") for part in parts):
        return "hidden files or folders ignored"
    if parts[-1].lower() in SYSTEM_FILES:
        return "system files ignored"
    if not parts[-1].lower().endswith(IMAGE_SUFFIXES):
        return f"non-image files ignored (images end in {', '.join(IMAGE_SUFFIXES)})"
    return None


def scan_folder(root: Path, max_entries: int = MAX_SCAN_ENTRIES) -> ImageFolder:
    """The classes and images under root, numbered like `flow_from_directory`: sorted sub-folder names.

    Images may sit in nested folders inside a class folder. Hidden files, macOS metadata, non-images
    and links leading outside root are left out and summarised in `skipped`; linked folders are not
    entered, so a scan never wanders outside root. A scan looks at no more than `max_entries`
    files and folders (a whole disk is not a training folder), and every problem, an unreadable
    folder included, is a `ValueError` with a message for the learner.
    """
    text = str(root)
    if len(text) > MAX_PATH_CHARS or "\x00" in text:
        raise language.LearnerError("data.image_folders.scan.not_a_path", limit=f"{MAX_PATH_CHARS:,}")
    root = Path(root)
    try:
        if not root.is_dir():
            raise language.LearnerError("data.image_folders.scan.not_a_folder", folder=str(root), layout=_LAYOUT)
        return _scan(root.resolve(), max_entries)
    except OSError as problem:
        raise language.LearnerError(
            "data.image_folders.scan.unreadable", reason=problem.strerror or type(problem).__name__, layout=_LAYOUT
        ) from None


class _Budget:
    """Counts what a scan has looked at and stops it past the limit."""

    def __init__(self, limit: int) -> None:
        self.limit, self.used = limit, 0

    def spend(self, count: int) -> None:
        self.used += count
        if self.used > self.limit:
            raise language.LearnerError(
                "data.image_folders.scan.too_many_entries", limit=f"{self.limit:,}", layout=_LAYOUT
            )


def _scan(root: Path, max_entries: int) -> ImageFolder:
    budget = _Budget(max_entries)
    skips = _SkipLog()
    class_files: dict[str, list[Path]] = {}
    entries = sorted(root.iterdir())
    budget.spend(len(entries))
    for entry in entries:
        if entry.name.startswith(".") or entry.name == MACOS_METADATA:
            skips.add(_junk_kind([entry.name]) or "hidden files or folders ignored", entry.name)
        elif entry.is_symlink():
            skips.add("links not followed", entry.name)
        elif not entry.is_dir():
            skips.add("files outside any class folder ignored", entry.name)
        else:
            images = _images_in_class_folder(root, entry, skips, budget)
            if images:
                class_files[entry.name] = images
            else:
                skips.add("folders without images ignored", f"{entry.name}/")
    class_names = tuple(sorted(class_files))
    if len(class_names) < 2:
        found = ", ".join(f"{name}/" for name in class_names) or language.Message("data.image_folders.scan.none_found")
        raise language.LearnerError(
            "data.image_folders.scan.too_few_classes",
            count=len(class_names),
            folder=root.name,
            found=found,
            layout=_LAYOUT,
        )
    files = tuple((path, index) for index, name in enumerate(class_names) for path in class_files[name])
    return ImageFolder(
        root=root,
        class_names=class_names,
        files=files,
        skipped=tuple(skips.notes()),
        skipped_said=tuple(skips.notes_said()),
    )


def _images_in_class_folder(root: Path, class_folder: Path, skips: _SkipLog, budget: _Budget) -> list[Path]:
    images = []

    def unreadable(problem: OSError) -> None:  # os.walk would skip it without a word
        name = Path(problem.filename).name if problem.filename else "?"
        skips.add("folders that could not be read ignored", f"{name}/")

    for walked, folder_names, file_names in os.walk(class_folder, onerror=unreadable, followlinks=False):
        budget.spend(len(folder_names) + len(file_names))
        folder = Path(walked)
        for name in sorted(folder_names):
            if (folder / name).is_symlink():
                skips.add("links not followed", (folder / name).relative_to(root).as_posix() + "/")
        # Hidden and metadata folders are pruned here so their contents are not walked at all.
        kept = [name for name in folder_names if not name.startswith(".") and name != MACOS_METADATA]
        for name in sorted(set(folder_names) - set(kept)):
            skips.add(_junk_kind([name]) or "folders ignored", (folder / name).relative_to(root).as_posix() + "/")
        folder_names[:] = sorted(kept)
        for name in sorted(file_names):
            path = folder / name
            relative = path.relative_to(root).as_posix()
            junk = _junk_kind([name])
            if junk:
                skips.add(junk, relative)
            elif path.is_symlink() and not path.resolve().is_relative_to(root):
                skips.add("links leading outside the folder ignored", relative)
            elif not _usable_photo(path):
                skips.add(
                    "files that are not usable photos (empty, damaged, too large or another format) left out", relative
                )
            else:
                images.append(path)
    return sorted(images)


def _usable_photo(path: Path) -> bool:
    """Whether a file passes the checks every upload passes, read from its header alone (nothing
    is decoded: a scan must not be a way to make the server decode a 13000×13000 PNG)."""
    try:
        uploads.check_header(path)
    except ValueError:
        return False
    return True


def extract_zip_safely(
    data: bytes | Path, destination: Path, limits: ZipLimits = ZipLimits()
) -> tuple[ImageFolder, list[language.Message]]:
    """Unpacks an uploaded zip of class folders into destination and scans it; also returns the
    skipped notes, to be said in the learner's language (`str()` gives the English).

    The zip is untrusted. Every member's name, type and declared sizes are checked before anything is
    written, and the bytes actually decompressed are counted while copying, so a zip that lies about its
    sizes is stopped too. Junk (macOS metadata, hidden and system files, non-images) is not unpacked. A
    single folder wrapping the class folders, as in `horse-or-human/horses/...`, becomes the root.
    """
    size = len(data) if isinstance(data, bytes | bytearray) else Path(data).stat().st_size
    if size > limits.max_zip_bytes:
        raise _zip_error("too_large", size=f"{size / 2**20:.0f}", limit=f"{limits.max_zip_bytes / 2**20:.0f}")
    destination = Path(destination)
    created = not destination.exists()
    if not created and (not destination.is_dir() or any(destination.iterdir())):
        raise ValueError(f"{destination} must be an empty folder or not exist yet.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes | bytearray) else Path(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise _zip_error("not_a_zip") from None
    with archive:
        kept, skips = _plan_extraction(archive.infolist(), limits)
        destination.mkdir(parents=True, exist_ok=True)
        target_root = destination.resolve()
        try:
            _copy_members(archive, kept, target_root, limits)
        except BaseException:
            _remove_contents(target_root, remove_folder=created)
            raise
    return scan_folder(class_root(destination)), skips.notes_said()


def _zip_error(kind: str, **values: object) -> language.LearnerError:
    """A zip refused, told in the learner's language (data.image_folders.zip.<kind>)."""
    return language.LearnerError(f"data.image_folders.zip.{kind}", **values)


def class_root(folder: Path) -> Path:
    """The folder itself, or the single folder inside it that holds the classes: a zip of
    `horse-or-human/horses/...` unpacks to one folder wrapping the class folders."""
    children = [child for child in folder.iterdir() if child.is_dir() and not child.name.startswith((".", "__"))]
    if len(children) == 1 and any(grandchild.is_dir() for grandchild in children[0].iterdir()):
        return children[0]
    return folder


def _normalised_name(info: zipfile.ZipInfo) -> str:
    """Zips made on Windows may separate folders with backslashes; treat them as slashes for every check."""
    return info.filename.replace("\\", "/")


def _plan_extraction(members: list[zipfile.ZipInfo], limits: ZipLimits) -> tuple[list[zipfile.ZipInfo], _SkipLog]:
    """The members to unpack, after refusing the whole zip if any member is dangerous or too large."""
    if len(members) > limits.max_files:
        raise _zip_error("too_many_entries", count=f"{len(members):,}", limit=f"{limits.max_files:,}")
    skips = _SkipLog()
    kept = []
    total_bytes = 0
    for info in members:
        _check_member_is_safe(info)
        if info.is_dir():
            continue
        junk = _junk_kind(PurePosixPath(_normalised_name(info)).parts)
        if junk:
            skips.add(junk, info.filename)
            continue
        _check_member_size(info, limits)
        total_bytes += info.file_size
        kept.append(info)
    if total_bytes > limits.max_total_bytes:
        raise _zip_error(
            "too_much_in_total", size=f"{total_bytes / 1e6:.1f}", limit=f"{limits.max_total_bytes / 1e6:.1f}"
        )
    return kept, skips


def _check_member_is_safe(info: zipfile.ZipInfo) -> None:
    name = _normalised_name(info)
    if not name.strip("/") or "\0" in name:
        raise _zip_error("invalid_name", member=repr(info.filename))
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise _zip_error("absolute_path", member=repr(info.filename))
    if ".." in PurePosixPath(name).parts:
        raise _zip_error("points_outside", member=repr(info.filename))
    if (info.external_attr >> 16) & 0o170000 == 0o120000:
        raise _zip_error("symbolic_link", member=repr(info.filename))
    if info.flag_bits & 0x1:
        raise _zip_error("encrypted", member=repr(info.filename))


def _check_member_size(info: zipfile.ZipInfo, limits: ZipLimits) -> None:
    if info.file_size > limits.max_member_bytes:
        raise _zip_error(
            "member_too_large",
            member=repr(info.filename),
            size=f"{info.file_size / 1e6:.1f}",
            limit=f"{limits.max_member_bytes / 1e6:.1f}",
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if ratio > limits.max_ratio:
        raise _zip_error("zip_bomb", member=repr(info.filename), ratio=f"{ratio:.0f}", limit=f"{limits.max_ratio:.0f}")


def _copy_members(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], target_root: Path, limits: ZipLimits
) -> None:
    """Copies members under target_root, counting the bytes really decompressed rather than trusting headers."""
    total_read = 0
    for info in members:
        target = (target_root / _normalised_name(info)).resolve()
        if target == target_root or not target.is_relative_to(target_root):
            raise _zip_error("written_outside", member=repr(info.filename))
        if target.exists():
            raise _zip_error("duplicate", member=repr(info.filename))
        target.parent.mkdir(parents=True, exist_ok=True)
        member_read = 0
        try:
            with archive.open(info) as source, open(target, "xb") as sink:
                while chunk := source.read(COPY_CHUNK_BYTES):
                    member_read += len(chunk)
                    total_read += len(chunk)
                    if member_read > min(info.file_size, limits.max_member_bytes):
                        raise _zip_error("more_than_declared", member=repr(info.filename))
                    if total_read > limits.max_total_bytes:
                        raise _zip_error("over_the_limit")
                    sink.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as error:
            raise _zip_error("not_unpacked", member=repr(info.filename), error=error) from None


def _remove_contents(folder: Path, remove_folder: bool) -> None:
    """Undoes a failed extraction; the folder was empty or new, so all it holds was written here."""
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    if remove_folder:
        folder.rmdir()


SYNTHETIC_PER_CLASS = 120  # pictures per class of the offline sample (measured: see make_synthetic_dataset)


def make_synthetic_dataset(
    destination: Path, per_class: int = SYNTHETIC_PER_CLASS, size: int = 150, seed: int = 0
) -> ImageFolder:
    """An offline two-class sample, `circles/` and `squares/`, so the lesson runs with no data and no network.

    Like real photos, no two pictures are framed alike: the shape sits anywhere, at a quarter to
    nearly the whole picture's size, in any colour, on a background that shades between two colours
    at any angle, crossed by stray lines, with pixel noise; the squares are turned up to 11 degrees
    either way. It is drawn so that the course's network (five blocks, RMSprop at 0.001, 15 epochs)
    learns it from a few hundred pictures, as it learns horse-or-human from a thousand: with the
    shapes small (an eighth to a third of the picture) or the squares turned any way, it stayed near
    a guess (validation 0.42-0.56 in development), because too little of a small shape survives five
    poolings and a few hundred pictures are too few to learn every turn. The same seed always draws
    the same pictures.
    """
    if per_class < 1 or size < 16:
        raise ValueError("make_synthetic_dataset needs at least 1 picture per class and a size of 16 pixels or more.")
    rng = np.random.default_rng(seed)
    destination = Path(destination)
    for shape in ("circle", "square"):
        folder = destination / f"{shape}s"
        folder.mkdir(parents=True, exist_ok=True)
        for number in range(per_class):
            _draw_shape_picture(shape, size, rng).save(folder / f"{shape}_{number:03d}.png")
    return scan_folder(destination)


def _random_colour(rng: np.random.Generator, light: bool) -> np.ndarray:
    return rng.integers(0, 110, 3) + (145 if light else 0)


def _draw_shape_picture(shape: str, size: int, rng: np.random.Generator) -> Image.Image:
    # Dark backgrounds get light shapes and the other way round, so every shape stays visible.
    is_dark = rng.random() < 0.5
    background, colour = _random_colour(rng, not is_dark), _random_colour(rng, is_dark)
    # The background shades from its colour to a neighbouring one along a random direction.
    other = np.clip(background + rng.integers(-60, 61, 3), 0, 255)
    angle = rng.uniform(0, 2 * np.pi)
    rows, columns = np.mgrid[0:size, 0:size] / size
    along = np.cos(angle) * columns + np.sin(angle) * rows
    along = (along - along.min()) / (along.max() - along.min())
    shading = background * (1 - along[..., None]) + other * along[..., None]
    picture = Image.fromarray(shading.astype(np.uint8))
    draw = ImageDraw.Draw(picture)
    for _ in range(int(rng.integers(0, 4))):
        line_colour = tuple(int(value) for value in rng.integers(0, 256, 3))
        draw.line(
            [tuple(int(value) for value in rng.integers(0, size, 2)) for _ in range(2)], fill=line_colour, width=2
        )
    fill = tuple(int(value) for value in colour)
    reach = rng.uniform(0.25, 0.45) * size
    centre = rng.uniform(reach, size - reach, 2)
    if shape == "circle":
        # 0.8 gives the circle the same area as the square, so size alone does not tell the classes apart.
        radius = 0.8 * reach
        draw.ellipse([*(centre - radius), *(centre + radius)], fill=fill)
    else:
        # Turned by up to 0.2 radians (11 degrees); its corners lie `reach` from the centre, so it stays in the picture.
        turn = rng.uniform(-0.2, 0.2)
        corners = [turn + np.pi / 4 + quarter * np.pi / 2 for quarter in range(4)]
        points = [(centre[0] + reach * np.cos(corner), centre[1] + reach * np.sin(corner)) for corner in corners]
        draw.polygon(points, fill=fill)
    noise = rng.normal(0, 8, (size, size, 3))
    return Image.fromarray(np.clip(np.asarray(picture, dtype=np.float64) + noise, 0, 255).astype(np.uint8))
