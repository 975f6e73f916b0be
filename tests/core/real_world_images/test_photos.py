"""Lesson 4's photo decoding against Keras's own `image_dataset_from_directory` and files written by the tests."""

from __future__ import annotations

import io
from pathlib import Path

import keras
import numpy as np
from PIL import Image

from core.data import image_folders
from core.real_world_images import photos

RANDOM = np.random.default_rng(0)


def noise(width: int, height: int, mode: str) -> Image.Image:
    channels = {"RGB": 3, "RGBA": 4, "L": 1}[mode]
    pixels = RANDOM.integers(0, 256, size=(height, width, channels), dtype=np.uint8)
    if mode == "RGBA":
        pixels[..., 3] = 255  # opaque, as horse-or-human's photos are (transparency is laid on white)
    return Image.fromarray(pixels[..., 0] if channels == 1 else pixels, mode)


def write_folder(root: Path) -> image_folders.ImageFolder:
    """Two classes of photos in the sizes, modes and formats a real download mixes."""
    pictures = {
        "cats": [("a.png", noise(40, 30, "RGB")), ("b.png", noise(17, 23, "RGBA")), ("c.jpg", noise(50, 50, "RGB"))],
        "dogs": [("d.png", noise(31, 64, "L")), ("e.bmp", noise(12, 12, "RGB"))],
    }
    for class_name, files in pictures.items():
        (root / class_name).mkdir(parents=True)
        for name, picture in files:
            picture.save(root / class_name / name)
    return image_folders.scan_folder(root)


def test_decode_lays_transparency_on_white_as_uploads_are_and_resizes(tmp_path):
    """The guarded decoder's rule for every picture; an opaque photo (horse-or-human's alpha is 255
    everywhere) decodes as `image_dataset_from_directory` reads it, which drops the alpha."""
    Image.new("RGBA", (300, 200), (10, 200, 30, 0)).save(tmp_path / "clear.png")
    Image.new("RGBA", (300, 200), (10, 200, 30, 255)).save(tmp_path / "opaque.png")
    image = photos.decode_image(tmp_path / "clear.png", 150)
    assert image.shape == (150, 150, 3) and image.dtype == np.uint8
    assert tuple(image[75, 75]) == (255, 255, 255)
    assert tuple(photos.decode_image(tmp_path / "opaque.png", 150)[75, 75]) == (10, 200, 30)


def test_decode_matches_image_dataset_from_directory(tmp_path):
    folder = write_folder(tmp_path / "pets")
    reference = keras.utils.image_dataset_from_directory(
        folder.root, image_size=(24, 24), batch_size=None, shuffle=False, label_mode="int"
    )
    pairs = list(reference.as_numpy_iterator())
    assert len(pairs) == len(folder.files) == 5
    for (path, label), (expected, expected_label) in zip(folder.files, pairs, strict=True):
        assert label == expected_label
        # Keras keeps the resized floats; the lesson stores them rounded to uint8. JPEG decoders
        # (Pillow's here, TensorFlow's in Keras) may differ by a few levels in their upsampling.
        decoded = photos.decode_image(path, 24)
        tolerance = 8 if path.suffix == ".jpg" else 0.5 + 1e-3
        np.testing.assert_allclose(decoded, expected, atol=tolerance, err_msg=path.name)
        assert np.abs(decoded - expected).mean() < (1.5 if path.suffix == ".jpg" else 0.3), path.name


def test_decode_grey_photo_and_animation(tmp_path):
    Image.fromarray(np.full((10, 10), 77, dtype=np.uint8)).save(tmp_path / "grey.png")
    assert np.all(photos.decode_image(tmp_path / "grey.png", 16) == 77)
    frames = [Image.new("RGB", (20, 20), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    frames[0].save(tmp_path / "moving.gif", save_all=True, append_images=frames[1:], duration=100)
    first = photos.decode_image(tmp_path / "moving.gif", 16)
    assert first.shape == (16, 16, 3) and first[..., 0].min() > 200 and first[..., 2].max() < 50


def test_load_images_keeps_every_photo_with_its_label_in_order(tmp_path):
    root = tmp_path / "colours"
    colours = {"blue": (0, 0, 255), "red": (255, 0, 0)}
    for class_name, colour in colours.items():
        (root / class_name).mkdir(parents=True)
        for number in range(40):  # 80 photos: more than one of the pipeline's batches of 64
            shade = np.array(colour) * (number + 1) // 40
            Image.new("RGB", (12 + number, 9), tuple(int(value) for value in shade)).save(
                root / class_name / f"{number:02d}.png"
            )
    folder = image_folders.scan_folder(root)
    decoded = photos.load_images(folder, 20)
    images, labels = decoded.images, decoded.labels
    assert decoded.skipped == ()
    assert images.shape == (80, 20, 20, 3) and images.dtype == np.uint8
    assert (
        labels.dtype == photos.LABEL_DTYPE
        and list(labels) == [label for _, label in folder.files] == [0] * 40 + [1] * 40
    )
    for index in (0, 39, 63, 64, 79):
        np.testing.assert_array_equal(images[index], photos.decode_image(folder.files[index][0], 20))
    assert images[79, 0, 0, 0] == 255 and images[39, 0, 0, 2] == 255 and images[0, 0, 0, 2] == 6


def test_load_images_of_an_empty_folder():
    empty = image_folders.ImageFolder(root=Path("."), class_names=("a", "b"), files=(), skipped=())
    decoded = photos.load_images(empty, 150)
    images, labels = decoded.images, decoded.labels
    assert images.shape == (0, 150, 150, 3) and images.dtype == np.uint8
    assert labels.shape == (0,) and labels.dtype == photos.LABEL_DTYPE


def test_image_sizes_counts_each_size_and_mode(tmp_path):
    folder = write_folder(tmp_path / "pets")
    assert photos.image_sizes(folder) == {
        "40×30 RGB": 1,
        "17×23 RGBA": 1,
        "50×50 RGB": 1,
        "31×64 L": 1,
        "12×12 RGB": 1,
    }
    sampled = photos.image_sizes(folder, sample=2)  # every second photo: a.png, c.jpg, e.bmp
    assert sampled == {"40×30 RGB": 1, "50×50 RGB": 1, "12×12 RGB": 1}


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge picture: a few dozen bytes that would decode to gigabytes."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # one bit per pixel, greyscale
    pixels = chunk(b"IDAT", zlib.compress(b"\0" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + pixels + chunk(b"IEND", b"")


def hostile_class_folder(root: Path) -> dict[str, str]:
    """Every kind of file the probe found in a training folder, and what should become of it."""
    (root / "good").mkdir(parents=True)
    (root / "odd").mkdir(parents=True)
    for number in range(3):
        Image.new("RGB", (30, 30), (60 * number, 90, 200)).save(root / "good" / f"{number}.png")
    odd = root / "odd"
    (odd / "text.png").write_text("not an image at all")
    (odd / "empty.png").write_bytes(b"")
    (odd / "drawing.png").write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/></svg>')
    buffer = io.BytesIO()
    Image.fromarray(RANDOM.integers(0, 256, (256, 256, 3), dtype=np.uint8)).save(buffer, format="JPEG")
    (odd / "truncated.jpg").write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])  # the header intact
    Image.fromarray(np.full((20, 20), 40_000, dtype=np.uint16)).save(odd / "deep.png")  # 16-bit
    frames = [Image.new("RGB", (20, 20), colour) for colour in ((0, 255, 0), (0, 0, 255))]
    frames[0].save(odd / "moving.webp", save_all=True, append_images=frames[1:], duration=100)
    (odd / "huge.png").write_bytes(png_header_claiming(30_000, 30_000))
    return {
        "text.png": "scan",
        "empty.png": "scan",
        "drawing.png": "scan",
        "huge.png": "scan",
        "truncated.jpg": "decode",
        "deep.png": "kept",
        "moving.webp": "kept",
    }


def test_every_training_photo_passes_the_uploads_checks_and_bad_ones_are_named(tmp_path, monkeypatch):
    fates = hostile_class_folder(tmp_path)
    decoding = []
    monkeypatch.setattr(Image.Image, "load", lambda self, *args: decoding.append(self) or None)
    folder = image_folders.scan_folder(tmp_path)  # headers only: no picture is decoded by a scan
    monkeypatch.undo()
    assert [image.size for image in decoding if image.size[0] >= 20] == []  # (Pillow loads a tiny palette itself)
    scanned = {path.name for path, _ in folder.files}
    notes = " ".join(folder.skipped)
    for name, fate in fates.items():
        assert (name in scanned) == (fate != "scan"), name
    assert "4 files that are not usable photos" in notes  # named (the first three) in one note
    decoded = photos.load_images(folder, 16)
    assert len(decoded.skipped) == 1 and decoded.skipped[0].startswith("odd/truncated.jpg: ")
    assert len(decoded.labels) == len(folder.files) - 1
    deep = photos.decode_image(tmp_path / "odd" / "deep.png", 16)
    assert deep.dtype == np.uint8 and 150 < deep.mean() < 160  # 40,000 of 65,535, scaled to 8 bits
    moving = photos.decode_image(tmp_path / "odd" / "moving.webp", 16)
    assert moving[..., 1].min() > 200 and moving[..., 2].max() < 60  # its first frame


def test_a_spread_sample_steps_evenly_through_a_class_or_the_whole_folder():
    root = Path("/nowhere")
    files = tuple((root / "a" / f"{number:02d}.png", 0) for number in range(20))
    files += tuple((root / "b" / f"{number:02d}.png", 1) for number in range(5))
    folder = image_folders.ImageFolder(root, ("a", "b"), files, ())
    assert photos.spread_sample(folder, 0) == tuple(root / "a" / f"{n:02d}.png" for n in (0, 2, 4, 6, 8, 10, 12, 14))
    assert photos.spread_sample(folder, 1) == tuple(root / "b" / f"{n:02d}.png" for n in range(5))  # fewer: all
    every_third = [root / "a" / f"{n:02d}.png" for n in (0, 3, 6, 9, 12, 15, 18)] + [root / "b" / "01.png"]
    assert photos.spread_sample(folder) == tuple(every_third)  # 25 photos of both classes, every third
    assert photos.spread_sample(folder, 0, count=3) == tuple(root / "a" / f"{n:02d}.png" for n in (0, 6, 12))
