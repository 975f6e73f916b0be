"""Lesson 4's photo decoding against Keras's own `image_dataset_from_directory` and files written by the tests."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
from PIL import Image

from core import image_folders
from core.real_world_images import photos

RANDOM = np.random.default_rng(0)


def noise(width: int, height: int, mode: str) -> Image.Image:
    channels = {"RGB": 3, "RGBA": 4, "L": 1}[mode]
    pixels = RANDOM.integers(0, 256, size=(height, width, channels), dtype=np.uint8)
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


def test_decode_drops_alpha_and_resizes(tmp_path):
    path = tmp_path / "rgba.png"
    Image.new("RGBA", (300, 200), (10, 200, 30, 0)).save(path)
    image = photos.decode_image(path, 150)
    assert image.shape == (150, 150, 3) and image.dtype == np.uint8
    assert tuple(image[75, 75]) == (10, 200, 30)  # colour kept, alpha dropped as decode_png(channels=3) does


def test_decode_matches_image_dataset_from_directory(tmp_path):
    folder = write_folder(tmp_path / "pets")
    reference = keras.utils.image_dataset_from_directory(
        folder.root, image_size=(24, 24), batch_size=None, shuffle=False, label_mode="int"
    )
    pairs = list(reference.as_numpy_iterator())
    assert len(pairs) == len(folder.files) == 5
    for (path, label), (expected, expected_label) in zip(folder.files, pairs, strict=True):
        assert label == expected_label
        # Keras keeps the resized floats; the lesson stores them rounded to uint8.
        np.testing.assert_allclose(photos.decode_image(path, 24), expected, atol=0.5 + 1e-3)


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
    images, labels = photos.load_images(folder, 20)
    assert images.shape == (80, 20, 20, 3) and images.dtype == np.uint8
    assert labels.dtype == np.uint8 and list(labels) == [label for _, label in folder.files] == [0] * 40 + [1] * 40
    for index in (0, 39, 63, 64, 79):
        np.testing.assert_array_equal(images[index], photos.decode_image(folder.files[index][0], 20))
    assert images[79, 0, 0, 0] == 255 and images[39, 0, 0, 2] == 255 and images[0, 0, 0, 2] == 6


def test_load_images_of_an_empty_folder():
    empty = image_folders.ImageFolder(root=Path("."), class_names=("a", "b"), files=(), skipped=())
    images, labels = photos.load_images(empty, 150)
    assert images.shape == (0, 150, 150, 3) and images.dtype == np.uint8
    assert labels.shape == (0,) and labels.dtype == np.uint8


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
