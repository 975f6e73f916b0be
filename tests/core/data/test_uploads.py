"""The one guarded decoder for uploads, against images made in the test: formats, modes, EXIF
rotation, animations, and files that are damaged, huge or built to exhaust memory."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageFile

from core.data import uploads

RANDOM = np.random.default_rng(0)


def encode(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def half_black_half_white(width: int, height: int, mode: str = "L") -> Image.Image:
    """Left half black, right half white, so orientation and compositing can be checked by eye and by test."""
    pixels = np.zeros((height, width), dtype=np.uint8)
    pixels[:, width // 2 :] = 255
    return Image.fromarray(pixels).convert(mode)


@pytest.mark.parametrize("image_format", uploads.UPLOAD_FORMATS)
def test_upload_in_each_allowed_format_keeps_its_picture(image_format):
    photo = uploads.grey_photo_from_upload(encode(half_black_half_white(40, 30, "RGB"), image_format))
    assert photo.shape == (30, 40) and photo.dtype == np.float32
    assert photo[:, :15].mean() < 30 and photo[:, 25:].mean() > 225


def test_upload_rgba_is_laid_on_white():
    image = half_black_half_white(40, 30, "RGBA")
    image.putalpha(Image.fromarray(np.where(np.arange(40) < 20, 0, 255).astype(np.uint8)[None, :].repeat(30, 0)))
    photo = uploads.grey_photo_from_upload(encode(image, "PNG"))  # left: transparent black; right: opaque white
    assert photo.min() > 250


def test_upload_animation_uses_its_first_frame():
    frames = [Image.new("P", (24, 24), color) for color in (0, 1)]
    for frame in frames:
        frame.putpalette([0, 0, 0, 255, 255, 255] + [0] * (256 * 3 - 6))
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    assert Image.open(io.BytesIO(data)).n_frames == 2
    assert uploads.grey_photo_from_upload(data).max() == 0


def test_upload_cmyk_jpeg():
    image = half_black_half_white(40, 30).convert("CMYK")
    assert encode(image, "JPEG") and Image.open(io.BytesIO(encode(image, "JPEG"))).mode == "CMYK"
    photo = uploads.grey_photo_from_upload(encode(image, "JPEG"))
    assert photo[:, :15].mean() < 30 and photo[:, 25:].mean() > 225


def test_upload_16_bit_png_is_scaled_to_0_255():
    pixels = np.zeros((20, 30), dtype=np.uint16)
    pixels[:, 15:] = 65535
    pixels[:, 10:15] = 32768
    data = encode(Image.fromarray(pixels), "PNG")
    assert Image.open(io.BytesIO(data)).mode.startswith("I")
    photo = uploads.grey_photo_from_upload(data)
    assert photo[0, 0] == 0 and photo[0, 12] == 128 and photo[0, 29] == 255


def test_upload_follows_exif_orientation():
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display": a 40-wide, 20-high file shows as 20 wide, 40 high
    photo = uploads.grey_photo_from_upload(encode(half_black_half_white(40, 20), "JPEG", exif=exif))
    assert photo.shape == (40, 20)
    assert photo[:15].mean() < 30 and photo[25:].mean() > 225  # the file's left (black) half is now on top


def test_large_upload_is_shrunk_keeping_aspect_ratio():
    photo = uploads.grey_photo_from_upload(encode(half_black_half_white(2000, 1000), "PNG"))
    assert photo.shape == (256, 512)


def test_upload_rejects_other_formats_and_damaged_files():
    with pytest.raises(ValueError, match="TIFF"):
        uploads.grey_photo_from_upload(encode(half_black_half_white(20, 20), "TIFF"))
    with pytest.raises(ValueError, match="not an image"):
        uploads.grey_photo_from_upload(RANDOM.bytes(5000))
    noise = Image.fromarray(RANDOM.integers(0, 256, size=(64, 64), dtype=np.uint8))
    png = encode(noise, "PNG")
    with pytest.raises(ValueError, match="truncated"):
        uploads.grey_photo_from_upload(png[: len(png) // 2])
    with pytest.raises(ValueError, match="too large"):
        uploads.grey_photo_from_upload(png, max_bytes=1000)
    with pytest.raises(ValueError, match="8 on each side"):
        uploads.grey_photo_from_upload(encode(half_black_half_white(5, 30), "PNG"))


def test_too_many_pixels_is_refused_before_decoding(monkeypatch):
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: decoded.append(image))
    with pytest.raises(ValueError, match="more than the 100 allowed"):
        uploads.grey_photo_from_upload(encode(half_black_half_white(20, 20), "PNG"), max_pixels=100)
    assert decoded == []


@pytest.mark.parametrize("limit", [300, 100])  # 400 pixels: over the limit warns, over twice the limit fails
def test_decompression_bomb_becomes_value_error(monkeypatch, limit):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", limit)
    with pytest.raises(ValueError, match="too many pixels"):
        uploads.grey_photo_from_upload(encode(half_black_half_white(20, 20), "PNG"))


def test_uploaded_photo_goes_through_the_guarded_decoder():
    buffer = io.BytesIO()
    Image.new("RGBA", (400, 300), (0, 0, 255, 255)).save(buffer, format="PNG")
    image = uploads.square_photo_from_upload(buffer.getvalue(), 150)
    assert image.shape == (150, 150, 3) and tuple(image[0, 0]) == (0, 0, 255)
    with pytest.raises(ValueError):
        uploads.square_photo_from_upload(b"not an image", 150)


@pytest.mark.parametrize("mode", ["L", "LA", "P", "RGBA"])
def test_open_upload_gives_8_bit_rgb_of_the_same_picture(mode):
    picture = uploads.open_upload(encode(half_black_half_white(40, 30, mode), "PNG"))
    assert (picture.mode, picture.size) == ("RGB", (40, 30))
    pixels = np.asarray(picture)
    assert pixels[:, :20].max() == 0 and pixels[:, 20:].min() == 255


def test_square_photo_keeps_the_picture_where_it_was():
    photo = uploads.square_photo_from_upload(encode(half_black_half_white(200, 100, "RGB"), "JPEG"), 50)
    assert photo.shape == (50, 50, 3) and photo.dtype == np.uint8
    assert photo[:, :20].mean() < 30 and photo[:, 30:].mean() > 225
