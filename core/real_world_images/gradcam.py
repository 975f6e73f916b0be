"""Where the network looked: Grad-CAM, laid over the photo.

Lesson 4's honest question is what the network really learned. Grad-CAM weights the last
convolution's feature maps by how much the chosen class's score grows with each, so a network
that decides from the background, not the horse, shows it.
"""

from __future__ import annotations

import keras
import numpy as np


def gradcam(model: keras.Model, image: np.ndarray, input_scale: float = 1 / 255) -> np.ndarray:
    """Where the network looked (Grad-CAM): the last convolution's maps weighted by how much the
    predicted class's score grows with each, as a (size, size) map in 0..1."""
    import tensorflow as tf

    convolutions = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    probe = keras.Model(inputs=model.inputs[0], outputs=[convolutions[-1].output, model.outputs[0]])
    batch = tf.convert_to_tensor(image[np.newaxis].astype(np.float32) * input_scale)
    with tf.GradientTape() as tape:
        maps, output = probe(batch, training=False)
        score = output[:, 0] if output.shape[-1] == 1 else tf.reduce_max(output, axis=-1)
        if output.shape[-1] == 1:  # explain the class it chose: "human" is p, "horse" is 1 - p
            score = tf.where(score >= 0.5, score, 1 - score)
    gradients = tf.cast(tape.gradient(score, maps), tf.float32)  # a bfloat16 network's maps: map in float32
    maps = tf.cast(maps, tf.float32)
    weights = tf.reduce_mean(gradients, axis=(1, 2))
    heatmap = tf.nn.relu(tf.reduce_sum(maps * weights[:, None, None, :], axis=-1))[0]
    heatmap = heatmap / (tf.reduce_max(heatmap) + 1e-8)
    resized = tf.image.resize(heatmap[..., None], image.shape[:2], method="bilinear")[..., 0]
    return np.asarray(resized)


def resized(heatmap: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A heatmap stretched to another picture's (height, width): the network looked at a squashed
    square, and the map is laid back over the photo in its own shape."""
    from PIL import Image

    picture = Image.fromarray(heatmap.astype(np.float32), mode="F")
    return np.asarray(picture.resize((shape[1], shape[0]), Image.Resampling.BILINEAR), dtype=np.float32)


def heatmap_overlay(image: np.ndarray, heatmap: np.ndarray, strength: float = 0.5) -> np.ndarray:
    """The photo with the Grad-CAM map laid over it in red-yellow, as uint8 RGB."""
    colour = np.stack([np.ones_like(heatmap), heatmap, np.zeros_like(heatmap)], axis=-1) * 255
    blend = (1 - strength * heatmap[..., None]) * image + strength * heatmap[..., None] * colour
    return np.clip(blend, 0, 255).astype(np.uint8)
