"""Grad-CAM against a network whose answer depends on one quadrant of the photo only, worked out by hand.

The test network splits the photo into four quadrants, gives each its own 1×1 filter (the brightness
inside that quadrant, zero elsewhere), averages every filter's map and reads the averages with a
Dense layer whose weights the test sets. A filter's gradient is then the same at every position,
Dense weight times the output's slope over the number of positions, so Grad-CAM's recipe (maps
weighted by their mean gradient, negative parts cut, scaled to a maximum of 1) can be computed in
NumPy and compared with what `gradcam` returns.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from core.real_world_images import gradcam

SIZE = 32
HALF = SIZE // 2
QUADRANTS = {
    "top-left": (slice(0, HALF), slice(0, HALF)),
    "top-right": (slice(0, HALF), slice(HALF, SIZE)),
    "bottom-left": (slice(HALF, SIZE), slice(0, HALF)),
    "bottom-right": (slice(HALF, SIZE), slice(HALF, SIZE)),
}


def quadrant_masks() -> np.ndarray:
    """(4, SIZE, SIZE): 1 inside each quadrant, 0 outside."""
    masks = np.zeros((len(QUADRANTS), SIZE, SIZE), dtype=np.float32)
    for index, (rows, columns) in enumerate(QUADRANTS.values()):
        masks[index, rows, columns] = 1
    return masks


class QuadrantChannels(keras.layers.Layer):
    """The photo four times over, each copy zeroed outside one quadrant (channels 3q..3q+2 hold quadrant q)."""

    def call(self, images):
        masks = np.repeat(np.transpose(quadrant_masks(), (1, 2, 0)), 3, axis=-1)  # (SIZE, SIZE, 12)
        return keras.ops.tile(images, (1, 1, 1, len(QUADRANTS))) * masks

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], 3 * len(QUADRANTS))


def region_model(dense_weights: np.ndarray, activation: str) -> keras.Model:
    """A network that sees the photo only through its quadrants' brightness; `dense_weights` is
    (4, outputs): how much each quadrant's brightness pushes each output."""
    model = keras.Sequential(
        [
            keras.Input(shape=(SIZE, SIZE, 3)),
            QuadrantChannels(),
            keras.layers.Conv2D(len(QUADRANTS), 1, activation="relu", use_bias=False),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(dense_weights.shape[1], activation=activation),
        ]
    )
    brightness = np.zeros((1, 1, 3 * len(QUADRANTS), len(QUADRANTS)), dtype=np.float32)
    for quadrant in range(len(QUADRANTS)):
        brightness[0, 0, 3 * quadrant : 3 * quadrant + 3, quadrant] = 1 / 3
    model.layers[1].set_weights([brightness])
    model.layers[3].set_weights([dense_weights.astype(np.float32), np.zeros(dense_weights.shape[1], np.float32)])
    return model


def gradcam_by_hand(image: np.ndarray, dense_weights: np.ndarray, activation: str) -> np.ndarray:
    """Grad-CAM of `region_model` in NumPy: the class the network chose, explained by its maps."""
    maps = quadrant_masks() * image.astype(np.float64).mean(axis=-1) / 255  # (4, SIZE, SIZE)
    logits = maps.mean(axis=(1, 2)) @ dense_weights
    if activation == "sigmoid":  # explain the class chosen: p if p >= 0.5, else 1 - p
        probability = 1 / (1 + np.exp(-logits[0]))
        slope = np.array([probability * (1 - probability) * (1 if probability >= 0.5 else -1)])
    else:
        probabilities = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
        chosen = int(np.argmax(probabilities))
        slope = probabilities[chosen] * ((np.arange(len(logits)) == chosen) - probabilities)
    mean_gradients = dense_weights @ slope / SIZE**2  # the same at every position of each map
    heatmap = np.maximum(np.tensordot(mean_gradients, maps, axes=1), 0)
    return heatmap / (heatmap.max() + 1e-8)


def photo_with_blobs(dim_quadrant: str) -> np.ndarray:
    """A black photo with a white square in three quadrants and a dimmer, two-tone patch in
    `dim_quadrant`, so the photo's brightest spots all lie outside that quadrant."""
    photo = np.zeros((SIZE, SIZE, 3), dtype=np.uint8)
    for offset, (name, (rows, columns)) in enumerate(QUADRANTS.items()):
        top, left = rows.start + 2 + offset, columns.start + 3 + 2 * offset
        if name == dim_quadrant:
            photo[top : top + 6, left : left + 6] = 60
            photo[top + 1 : top + 4, left + 2 : left + 5] = 150
        else:
            photo[top : top + 4, left : left + 4] = 255
    return photo


def one_quadrant(name: str, weight: float = 4.0) -> np.ndarray:
    weights = np.zeros((len(QUADRANTS), 1))
    weights[list(QUADRANTS).index(name), 0] = weight
    return weights


@pytest.mark.parametrize("quadrant", list(QUADRANTS))
def test_heatmap_peaks_in_the_only_quadrant_the_output_depends_on(quadrant):
    photo = photo_with_blobs(quadrant)
    rows, columns = QUADRANTS[quadrant]
    brightest = np.unravel_index(np.argmax(photo.sum(axis=-1)), photo.shape[:2])
    assert not (rows.start <= brightest[0] < rows.stop and columns.start <= brightest[1] < columns.stop)

    heatmap = gradcam.gradcam(region_model(one_quadrant(quadrant), "sigmoid"), photo)
    assert heatmap.shape == (SIZE, SIZE)
    peak = np.unravel_index(np.argmax(heatmap), heatmap.shape)
    assert rows.start <= peak[0] < rows.stop and columns.start <= peak[1] < columns.stop
    assert heatmap.max() == pytest.approx(1.0, abs=1e-4)
    outside = heatmap.copy()
    outside[rows, columns] = 0
    assert outside.sum() < 1e-4 * heatmap.sum()
    np.testing.assert_allclose(heatmap, gradcam_by_hand(photo, one_quadrant(quadrant), "sigmoid"), atol=1e-5)


def test_heatmap_explains_the_other_class_when_the_network_says_no():
    # A negative weight sends p below 0.5: the network chose class 0, whose score 1 - p grows as the
    # quadrant darkens, so its gradients flip sign and the heatmap still points at the quadrant.
    photo = photo_with_blobs("bottom-right")
    weights = one_quadrant("bottom-right", weight=-4.0)
    model = region_model(weights, "sigmoid")
    assert float(model(photo[np.newaxis] / 255)[0, 0]) < 0.5
    heatmap = gradcam.gradcam(model, photo)
    assert heatmap[HALF:, HALF:].max() == pytest.approx(1.0, abs=1e-4) and heatmap[:HALF].max() < 1e-6
    np.testing.assert_allclose(heatmap, gradcam_by_hand(photo, weights, "sigmoid"), atol=1e-5)


def test_heatmap_explains_the_class_a_softmax_network_chose():
    # Class 0 reads the top-left quadrant, class 1 the bottom-left, more strongly: class 1 wins, and
    # its Grad-CAM lights the bottom-left; the top-left only lowers class 1, so it is cut to zero.
    photo = photo_with_blobs("bottom-left")
    weights = np.zeros((len(QUADRANTS), 2))
    weights[0, 0], weights[2, 1] = 2.0, 30.0
    model = region_model(weights, "softmax")
    assert int(np.argmax(model(photo[np.newaxis] / 255)[0])) == 1
    heatmap = gradcam.gradcam(model, photo)
    assert heatmap[HALF:, :HALF].max() == pytest.approx(1.0, abs=1e-4)
    assert heatmap[:HALF].max() < 1e-6 and heatmap[:, HALF:].max() < 1e-6
    np.testing.assert_allclose(heatmap, gradcam_by_hand(photo, weights, "softmax"), atol=1e-5)


def test_heatmap_weighs_every_quadrant_by_its_gradient():
    photo = photo_with_blobs("top-right")
    weights = np.array([[3.0], [2.0], [-1.0], [0.5]])  # bottom-left argues against: cut to zero
    heatmap = gradcam.gradcam(region_model(weights, "sigmoid"), photo)
    np.testing.assert_allclose(heatmap, gradcam_by_hand(photo, weights, "sigmoid"), atol=1e-5)
    assert heatmap[HALF:, :HALF].max() < 1e-6
    quadrant_peaks = [heatmap[rows, columns].max() for rows, columns in QUADRANTS.values()]
    assert quadrant_peaks[0] == pytest.approx(1.0, abs=1e-4)  # white blob, largest weight
    assert quadrant_peaks[3] == pytest.approx(0.5 / 3, abs=1e-4)  # white blob, a sixth of the weight


def test_heatmap_of_the_lessons_trained_network_follows_grad_cams_recipe(tiny_trained):
    """On Lesson 4's own network (augmentation, a sigmoid output, bfloat16 where native), trained:
    the map is the last convolution's maps weighted by their mean gradient of the chosen class's
    score, negative parts cut, scaled to a maximum of 1 and laid over the photo, worked out here
    from the network's own maps and gradients."""
    import tensorflow as tf

    model, photo = tiny_trained.model, tiny_trained.images[0]
    last = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)][-1]
    probe = keras.Model(inputs=model.inputs[0], outputs=[last.output, model.outputs[0]])
    with tf.GradientTape() as tape:
        maps, output = probe(tf.convert_to_tensor(photo[np.newaxis].astype(np.float32) / 255), training=False)
        human = output[0, 0]
        score = human if float(human) >= 0.5 else 1 - human  # the class it chose
    gradients = np.asarray(tape.gradient(score, maps), dtype=np.float32)[0]
    maps = np.asarray(maps, dtype=np.float32)[0]
    expected = np.maximum((maps * gradients.mean(axis=(0, 1))).sum(axis=-1), 0)
    assert expected.max() > 0  # the photo lights something: the comparison is not of two blank maps
    expected = expected / (expected.max() + 1e-8)
    laid_over = np.asarray(tf.image.resize(expected[..., None], photo.shape[:2], method="bilinear"))[..., 0]

    heatmap = gradcam.gradcam(model, photo)
    assert heatmap.shape == photo.shape[:2]
    np.testing.assert_allclose(heatmap, laid_over, atol=2e-3)


def test_overlay_of_an_empty_heatmap_is_the_photo():
    photo = np.random.default_rng(0).integers(0, 256, size=(20, 30, 3), dtype=np.uint8)
    overlay = gradcam.heatmap_overlay(photo, np.zeros((20, 30)), strength=1.0)
    assert overlay.dtype == np.uint8
    np.testing.assert_array_equal(overlay, photo)


def test_overlay_colours_a_full_heatmap_yellow_and_a_weak_one_red():
    photo = np.random.default_rng(1).integers(0, 256, size=(10, 10, 3), dtype=np.uint8)
    full = gradcam.heatmap_overlay(photo, np.ones((10, 10)), strength=1.0)
    assert np.all(full == (255, 255, 0))
    heatmap = np.full((10, 10), 0.5)
    blend = gradcam.heatmap_overlay(photo, heatmap, strength=0.5)
    colour = np.array([255, 0.5 * 255, 0])  # red, turning yellow as the map grows
    expected = (1 - 0.25) * photo + 0.25 * colour
    np.testing.assert_array_equal(blend, expected.astype(np.uint8))
