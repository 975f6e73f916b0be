"""A learner's drawing made into what the network sees, checked on drawings made in the test with
PIL: shapes whose 28×28 picture is known exactly, the framing of each data set, thin and thick
strokes, and the drawings that get no guess."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from core.base import language
from core.data import drawings


def canvas(side: int = drawings.CANVAS_SIDE, background: tuple[int, int, int, int] = (0, 0, 0, 0)):
    """A blank canvas as the component sends it: transparent RGBA unless a background is given."""
    picture = Image.new("RGBA", (side, side), background)
    return picture, ImageDraw.Draw(picture)


def view_of(picture: Image.Image, pen_width: float = 20, framing: drawings.Framing = "fills_frame"):
    return drawings.network_view(drawings.canvas_png(np.asarray(picture)), pen_width, framing)


def test_a_rectangle_fills_the_frame_as_fashion_mnist_frames_its_clothes():
    # 280×140 of ink: trimmed, its longer side becomes 28 (10 canvas pixels to one), its shorter 14,
    # centred with 7 rows of background above and below: known exactly.
    picture, pen = canvas(side=400)
    pen.rectangle((60, 100, 339, 239), fill="black")
    view = view_of(picture).view
    expected = np.zeros((28, 28), np.uint8)
    expected[7:21, :] = 255
    np.testing.assert_array_equal(view, expected)


def test_a_white_canvas_and_a_transparent_one_give_the_same_view():
    transparent, pen = canvas()
    pen.line((40, 60, 240, 200), fill="black", width=20)
    white, pen = canvas(background=(255, 255, 255, 255))
    pen.line((40, 60, 240, 200), fill="black", width=20)
    np.testing.assert_array_equal(view_of(transparent).view, view_of(white).view)


def test_a_stroke_anywhere_on_the_canvas_is_centred_and_light_on_dark():
    picture, pen = canvas()
    pen.line((10, 20, 110, 120), fill="black", width=16)  # small, in the top-left corner
    view = view_of(picture).view
    assert view is not None and view.dtype == np.uint8 and view.shape == (28, 28)
    assert min(view[3, 3], view[14, 14], view[24, 24]) > 128  # the diagonal now runs corner to corner
    assert view[0, -1] == 0 and view[-1, 0] == 0  # background stays 0, as in Fashion-MNIST
    row, column = drawings.centre_of_mass(view)
    assert abs(row - 13.5) < 0.5 and abs(column - 13.5) < 0.5


def test_a_thin_stroke_fades_to_grey_and_a_thick_one_stays_white():
    # A line 240 pixels long framed into 28: each network pixel averages about 8.6 canvas pixels a
    # side, so a 2-pixel pen leaves at most about a quarter of full ink.
    thin, pen = canvas()
    pen.line((20, 140, 260, 140), fill="black", width=2)
    thick, pen = canvas()
    pen.line((20, 140, 260, 140), fill="black", width=24)
    thin_view, thick_view = view_of(thin, pen_width=2), view_of(thick, pen_width=24)
    assert thin_view.view.max() < 100 and thick_view.view.max() == 255
    assert thin_view.canvas_pixels_per_pixel == pytest.approx(241 / 28, abs=0.1)
    assert thin_view.stroke_fades(pen_width=2) and not thick_view.stroke_fades(pen_width=24)


def test_a_digit_fits_a_20_pixel_box_centred_by_its_centre_of_mass():
    # A "7": its mass sits high and right, so MNIST's centring moves its box off the middle.
    picture, pen = canvas()
    pen.line((60, 40, 220, 40), fill="black", width=20)
    pen.line((220, 40, 100, 250), fill="black", width=20)
    view = view_of(picture, framing="digit_box").view
    rows, columns = np.nonzero(view)
    assert max(rows.max() - rows.min(), columns.max() - columns.min()) + 1 == drawings.DIGIT_BOX
    row, column = drawings.centre_of_mass(view)
    assert abs(row - 13.5) <= 0.5 and abs(column - 13.5) <= 0.5
    assert view[:4].max() == 0 or view[-4:].max() == 0  # the box moved: not 4 pixels of margin on both sides


def test_a_tall_digit_keeps_its_aspect_ratio():
    picture, pen = canvas()
    pen.rectangle((30, 30, 69, 229), fill="black")  # a "1": 40 wide, 200 tall, so 4 by 20 in the box
    drawing = view_of(picture, framing="digit_box")
    view = drawing.view
    assert drawing.canvas_pixels_per_pixel == 10  # 200 canvas pixels into MNIST's 20
    rows, columns = np.nonzero(view)
    assert rows.max() - rows.min() + 1 == 20 and columns.max() - columns.min() + 1 == 4
    assert (view[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1] == 255).all()


@pytest.mark.parametrize("framing", ["fills_frame", "digit_box"])
def test_an_empty_canvas_or_a_dot_gets_no_guess(framing):
    empty, _ = canvas()
    assert view_of(empty, framing=framing).view is None
    dot, pen = canvas()
    pen.ellipse((130, 130, 150, 150), fill="black")  # a click with a 20-pixel pen
    assert view_of(dot, pen_width=20, framing=framing).view is None
    speck, pen = canvas()
    pen.ellipse((130, 130, 133, 133), fill="black")  # a click with a thin pen: under a tenth of the canvas
    assert view_of(speck, pen_width=3, framing=framing).view is None
    faint, pen = canvas()
    pen.line((20, 140, 260, 140), fill=(200, 200, 200, 255), width=20)  # under half dark: not ink
    assert view_of(faint, framing=framing).view is None


def test_the_shortest_drawing_that_gets_a_guess():
    # A dab twice the pen's width (PIL's line has flat ends, so its length is its extent) passes;
    # one barely longer than the pen is wide does not.
    short, pen = canvas()
    pen.line((120, 140, 160, 140), fill="black", width=20)
    assert view_of(short, pen_width=20).view is not None
    shorter, pen = canvas()
    pen.line((130, 140, 150, 140), fill="black", width=20)
    assert view_of(shorter, pen_width=20).view is None


def test_the_drawing_goes_through_the_guarded_decoder():
    with pytest.raises(language.LearnerError) as refused:
        drawings.network_view(b"not a picture", pen_width=20)
    assert refused.value.message.key == "data.uploads.not_an_image"
    with pytest.raises(ValueError, match="RGBA"):
        drawings.canvas_png(np.zeros((10, 10, 3), np.uint8))


def test_the_pixelated_view_keeps_each_pixel_a_square():
    view = np.arange(28 * 28, dtype=np.uint8).reshape(28, 28)
    large = drawings.pixelated(view, 7)
    assert large.shape == (196, 196) and large.dtype == np.uint8
    np.testing.assert_array_equal(large[::7, ::7], view)
    np.testing.assert_array_equal(large[7:14, 14:21], np.full((7, 7), view[1, 2]))


def test_the_sizes_are_those_of_the_training_images():
    from core.data import fashion_mnist, mnist

    assert drawings.IMAGE_SIDE == fashion_mnist.IMAGE_SIDE and drawings.DIGIT_BOX == mnist.MNIST_BOX
