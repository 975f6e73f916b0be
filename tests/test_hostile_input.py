"""Hostile input proven harmless: random and mutated files against every reader of visitors' data.

Each reader gets valid files with flipped bytes and truncated tails, and plain random bytes. Only
the project's own clear error (a `ValueError`, or `DatasetError` for the IDX reader) may escape,
and the zip importer writes nothing outside its destination. The example counts (about 100-200
each, a few seconds per reader) are enough to reach the decoders' error paths and small enough
for CI; Hypothesis keeps the failing examples it finds in `.hypothesis/` to replay them first.
"""

from __future__ import annotations

import gzip
import io
import os
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from core.data import fashion_mnist, image_folders, uploads
from core.hello_world import neuron

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def picture_bytes(kind: str, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    picture = Image.fromarray(rng.integers(0, 256, (20, 24, 3), dtype=np.uint8))
    buffer = io.BytesIO()
    picture.save(buffer, format=kind)
    return buffer.getvalue()


VALID_PICTURES = {kind: picture_bytes(kind, 0) for kind in ("PNG", "JPEG", "GIF", "WEBP", "BMP")}


@st.composite
def mutated(draw, originals: dict[str, bytes] | list[bytes]) -> bytes:
    """A valid file with some bytes flipped and perhaps its tail cut off, or random bytes."""
    choices = list(originals.values()) if isinstance(originals, dict) else list(originals)
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    data = bytearray(draw(st.sampled_from(choices)))
    for _ in range(draw(st.integers(0, 6))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] ^= draw(st.integers(1, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@FUZZ
@given(mutated(VALID_PICTURES))
def test_the_image_decoder_returns_a_picture_or_says_why(data):
    try:
        image = uploads.open_upload(data)
    except ValueError as problem:
        assert str(problem)
    else:
        assert image.mode == "RGB" and min(image.size) >= uploads.MIN_SIDE


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


VALID_ZIPS = [
    zip_of({"cats/a.png": VALID_PICTURES["PNG"], "dogs/b.jpg": VALID_PICTURES["JPEG"], "notes.txt": b"hello"}),
    zip_of({"set/horses/1.png": VALID_PICTURES["PNG"], "set/humans/2.webp": VALID_PICTURES["WEBP"]}),
]


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*")}


@FUZZ
@given(mutated(VALID_ZIPS))
def test_the_zip_importer_unpacks_or_says_why_and_writes_only_inside_its_folder(data):
    with tempfile.TemporaryDirectory() as scratch:
        scratch_path = Path(scratch)
        (scratch_path / "outside").mkdir()
        destination = scratch_path / "inside" / "data"
        try:
            folder, notes = image_folders.extract_zip_safely(data, destination)
        except ValueError as problem:
            assert str(problem)
        else:
            assert all(path.is_relative_to(destination.resolve()) for path, _ in folder.files)
            assert all(isinstance(str(note), str) and str(note) for note in notes)
        written = files_under(scratch_path) - {scratch_path / "outside", scratch_path / "inside"}
        assert all(path.is_relative_to(destination) for path in written), written


def idx_bytes(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(size).to_bytes(4, "big") for size in array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes())


VALID_IDX = [
    idx_bytes(np.arange(2 * 28 * 28).reshape(2, 28, 28) % 256),
    idx_bytes(np.arange(5) % 10),
]


@FUZZ
@given(mutated(VALID_IDX), st.booleans())
def test_the_idx_reader_returns_an_array_or_a_dataset_error(data, gzipped):
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / ("file-idx3-ubyte.gz" if gzipped else "file-idx3-ubyte")
        path.write_bytes(data if gzipped else _ungzipped(data))
        try:
            array = fashion_mnist.read_idx(path)
        except fashion_mnist.DatasetError as problem:
            assert str(problem)
        else:
            assert array.dtype == np.uint8


def _ungzipped(data: bytes) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, ValueError, zlib.error):  # a mutation broke the gzip: use its bytes as they are
        return data


cells = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**8), 10**8),
    st.text(max_size=12),
    st.sampled_from(["", " ", "1e6", "-0", "nan", "inf", "1,5", "0x10", "٣"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["x", "y", "z", "_index"]), cells, max_size=3), max_size=30))
def test_the_lesson_one_table_parser_returns_points_or_says_which_cell_is_wrong(rows):
    try:
        points = neuron.parse_points(rows)
    except ValueError as problem:
        assert str(problem)
    else:
        assert 2 <= len(points.xs) == len(points.ys) <= neuron.MAX_POINTS
        assert all(abs(value) <= 1e6 for value in (*points.xs, *points.ys))


names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"), min_size=1, max_size=12
).filter(lambda name: name not in (".", ".."))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(names, names, st.one_of(mutated(VALID_PICTURES), st.sampled_from(list(VALID_PICTURES.values())))),
        max_size=8,
    )
)
def test_the_training_folder_scan_lists_usable_photos_or_says_why(files):
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "root"
        root.mkdir()
        for folder, name, data in files:
            try:
                (root / folder).mkdir(exist_ok=True)
                (root / folder / name).write_bytes(data)
            except OSError:  # a name the file system refuses (too long in bytes, say)
                continue
        try:
            found = image_folders.scan_folder(root)
        except ValueError as problem:
            assert str(problem)
        else:
            assert len(found.class_names) >= 2
            for path, label in found.files:
                assert path.resolve().is_relative_to(root.resolve()) and 0 <= label < len(found.class_names)
                uploads.check_header(path)  # every listed photo passed the upload checks
        assert os.listdir(scratch) == ["root"]
