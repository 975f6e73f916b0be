"""How the network arranges the held-out images: a map of its last hidden layer (Lessons 2, 3, 4).

The output layer of a classifier only draws straight boundaries through the vectors its last
hidden layer gives (the output layer's input), so that is where the classes must lie apart. Laid
flat on two axes, the held-out images show it: before training, with the starting weights, the
classes lie mixed; after training they gather into groups, and the groups that still overlap
(shirt, T-shirt, pullover and coat in Fashion-MNIST) are the pairs the confusion matrix counts.

The two axes are PCA's by default: NumPy's SVD of the centred vectors, exact, deterministic
(each axis's sign fixed) and a few milliseconds for 2,000 images. t-SNE (scikit-learn) pulls the
groups apart more clearly, takes seconds, and has no axes: a new image is placed among the
held-out images nearest to it in the network's features. Each map has its own axes, fitted on
its own held-out vectors: the starting network's vectors and the trained one's are different
things, so one basis for both would describe neither.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

import keras
import numpy as np

from core.base import language
from core.engine import image_classifier

MOST_POINTS = 2_000  # the held-out images a map shows at most: a fixed, seeded, class-stratified sample
METHODS = ("pca", "tsne")
NEIGHBOURS = 5  # a new image on a t-SNE map sits at the mean place of this many nearest held-out images
MIN_TSNE_POINTS = 10  # fewer images than this give t-SNE no neighbourhoods to keep
TSNE_WIDTH = 50  # t-SNE sees the vectors cut to this many directions of most spread
# Steps of t-SNE's descent. For Lesson 2's network on 2,000 test images, scikit-learn's default 1,000
# took 14.7 s against 6.3 s for the same neighbourhoods (trustworthiness 0.994 both; 2-core AMD EPYC).
TSNE_STEPS = 500

_PROBES: weakref.WeakKeyDictionary[keras.Model, keras.Model] = weakref.WeakKeyDictionary()


def sample(labels: np.ndarray, most: int = MOST_POINTS, seed: int = 0) -> np.ndarray:
    """Sorted indices of at most `most` images, every class keeping its share (all of them when
    there are no more than `most`). The same labels and seed always give the same sample."""
    labels = np.asarray(labels)
    if len(labels) <= most:
        return np.arange(len(labels))
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(labels, return_counts=True)
    exact = most * counts / len(labels)
    quotas = np.floor(exact).astype(int)
    # The images left over go to the classes whose share was rounded down the most (ties by class order).
    left_over = most - int(quotas.sum())
    quotas[np.argsort(-(exact - quotas), kind="stable")[:left_over]] += 1
    chosen = [
        rng.permutation(np.flatnonzero(labels == label))[:quota] for label, quota in zip(classes, quotas, strict=True)
    ]
    return np.sort(np.concatenate(chosen))


def last_hidden_probe(model: keras.Model) -> keras.Model:
    """A model giving the last hidden layer's vectors (the output layer's input) and the output,
    both in float32 (a bfloat16 network's 8 bits would blur the map). Built once per model, as
    `familiarity.feature_probe` is: a new probe on every rerun would hang its operations on the
    model's layers for as long as the model lives."""
    probe = _PROBES.get(model)
    if probe is None:
        from keras import ops

        outputs = [ops.cast(model.layers[-1].input, "float32"), ops.cast(model.outputs[0], "float32")]
        probe = _PROBES[model] = keras.Model(inputs=model.inputs[0], outputs=outputs)
    return probe


@dataclass(frozen=True)
class Features:
    """Images as the network's last hidden layer sees them, and what the network says they are."""

    vectors: np.ndarray  # (images, units), float32
    predictions: np.ndarray  # (images,), the class the network gives each


def features(
    model: keras.Model, images: np.ndarray, input_scale: float = 1 / 255, batch_size: int | None = None
) -> Features:
    """The last hidden layer's vectors and the network's answers for uint8 images, scaled batch by
    batch as in training (`image_classifier.inference_batch_size`). A single sigmoid output says
    the second class above 0.5, as in training."""
    probe = last_hidden_probe(model)
    images = images.reshape((-1, *model.input_shape[1:]))
    batch_size = batch_size or image_classifier.inference_batch_size(images)
    vectors, outputs = [], []
    for start in range(0, len(images), batch_size):
        vector, output = probe(images[start : start + batch_size].astype(np.float32) * input_scale, training=False)
        vectors.append(np.asarray(vector))
        outputs.append(np.asarray(output))
    if not vectors:
        return Features(np.zeros((0, int(probe.output_shape[0][-1])), np.float32), np.zeros(0, np.int64))
    output = np.concatenate(outputs)
    predictions = (output[:, 0] > 0.5).astype(np.int64) if output.shape[1] == 1 else output.argmax(axis=1)
    return Features(np.concatenate(vectors).reshape(len(output), -1), predictions)


def starting_model(model: keras.Model) -> keras.Model:
    """The same network with its starting weights: its layers made again from their settings.
    Every lesson seeds its starting weights (`builder`), so these are the ones its run started
    from (a Lesson 4 run taught from an earlier run's weights gets the untrained network's)."""
    return keras.models.clone_model(model)


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """NumPy's BLAS and scikit-learn's OpenMP on one thread (threadpoolctl, scikit-learn's own
    dependency). A map is small work done while trainings keep the cores busy, and threads that wait
    on each other at every step then crawl: on a 2-core AMD EPYC at load 8 (2026-12-07), the SVD of
    2,000 × 128 vectors took 2.1-3.6 s on two threads against 0.1-0.4 s on one, and t-SNE of 500
    images 18 s against 2.4 s."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield


def principal_axes(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """PCA by NumPy's SVD: the centre, the two directions of most spread (2, units) and the share
    of the spread along each. Each direction's largest entry is made positive, so the same vectors
    always give the same map, not its mirror image."""
    vectors = np.asarray(vectors, dtype=np.float64)
    centre = vectors.mean(axis=0) if len(vectors) else np.zeros(vectors.shape[1])
    with one_thread():
        _, singular, directions = np.linalg.svd(vectors - centre, full_matrices=False)
    axes = np.zeros((2, vectors.shape[1]))
    kept = min(2, len(directions))
    axes[:kept] = directions[:kept]
    for axis in axes:
        largest = np.argmax(np.abs(axis))
        if axis[largest] < 0:
            axis *= -1
    spread = np.square(singular)
    total = float(spread.sum())
    shares = [float(spread[i] / total) if total > 0 and i < len(spread) else 0.0 for i in range(2)]
    return centre, axes, (shares[0], shares[1])


def tsne_points(vectors: np.ndarray, seed: int = 0) -> np.ndarray:
    """scikit-learn's t-SNE of the vectors onto two axes, seeded (PCA start, perplexity at most 30,
    TSNE_STEPS steps). Wider vectors are first cut to their TSNE_WIDTH directions of most spread,
    as is usual: the neighbours t-SNE keeps barely move, and Lesson 4's 512 units cost far less to
    compare. On one thread (`one_thread`)."""
    if len(vectors) < MIN_TSNE_POINTS:
        raise language.LearnerError("engine.embedding_map.too_few_for_tsne", count=MIN_TSNE_POINTS)
    from sklearn.manifold import TSNE

    vectors = np.asarray(vectors, dtype=np.float64)
    perplexity = min(30.0, (len(vectors) - 1) / 3)
    tsne = TSNE(n_components=2, perplexity=perplexity, init="pca", max_iter=TSNE_STEPS, random_state=seed)
    with one_thread():
        if vectors.shape[1] > TSNE_WIDTH:
            centred = vectors - vectors.mean(axis=0)
            vectors = centred @ np.linalg.svd(centred, full_matrices=False)[2][:TSNE_WIDTH].T
        return np.asarray(tsne.fit_transform(vectors.astype(np.float32)), dtype=np.float64)


@dataclass(frozen=True)
class EmbeddingMap:
    """Held-out images laid out on two axes by one network's last hidden layer."""

    method: str  # "pca" or "tsne"
    points: np.ndarray  # (images, 2), where each image lies on the map
    labels: np.ndarray  # each image's true class
    predictions: np.ndarray  # the class the network gives each
    indices: np.ndarray  # each image's index among the held-out images, to show it
    vectors: np.ndarray  # (images, units), the last hidden layer's vectors the map was made from
    centre: np.ndarray  # (units,), the mean vector
    axes: np.ndarray | None  # (2, units), PCA's directions; None for t-SNE, which has none
    explained: tuple[float, float] | None  # PCA: the share of the spread along each axis

    @property
    def wrong(self) -> np.ndarray:
        """Which images the network gets wrong (ringed on the map)."""
        return self.predictions != self.labels

    def project_extra(self, vectors: np.ndarray) -> np.ndarray:
        """New images' places on this map, from their last hidden layer's vectors (`features`):
        PCA's axes, or for t-SNE the mean place of the NEIGHBOURS held-out images nearest them."""
        vectors = np.asarray(vectors, dtype=np.float64).reshape(len(vectors), -1)
        if self.axes is not None:
            return (vectors - self.centre) @ self.axes.T
        reference = self.vectors.astype(np.float64)
        distances = np.sum(np.square(vectors[:, None, :] - reference[None, :, :]), axis=-1)
        nearest = np.argsort(distances, axis=1, kind="stable")[:, :NEIGHBOURS]
        return self.points[nearest].mean(axis=1)


def embedding_map(
    found: Features, labels: np.ndarray, indices: np.ndarray, method: str = "pca", seed: int = 0
) -> EmbeddingMap:
    """The map of images already seen through the network (`features`): PCA's or t-SNE's."""
    if method not in METHODS:
        raise ValueError(f"Unknown map method {method!r}; choose one of {METHODS}.")
    vectors, labels = found.vectors, np.asarray(labels)
    if method == "pca":
        centre, axes, explained = principal_axes(vectors)
        with one_thread():
            points = (vectors - centre) @ axes.T
        return EmbeddingMap(method, points, labels, found.predictions, indices, vectors, centre, axes, explained)
    points = tsne_points(vectors, seed)
    return EmbeddingMap(method, points, labels, found.predictions, indices, vectors, vectors.mean(axis=0), None, None)


@dataclass(frozen=True)
class BeforeAndAfter:
    """The same held-out images mapped by the network with its starting weights and after training."""

    before: EmbeddingMap
    after: EmbeddingMap


def before_and_after(
    model: keras.Model,
    held_out: image_classifier.HeldOut,
    input_scale: float = 1 / 255,
    method: str = "pca",
    seed: int = 0,
    most: int = MOST_POINTS,
) -> BeforeAndAfter:
    """Maps of a seeded class-stratified sample of at most `most` held-out images, by the trained
    network and by the same network with its starting weights, each map with its own axes."""
    indices = sample(held_out.labels, most, seed)
    images, labels = held_out.images[indices], np.asarray(held_out.labels)[indices]
    untrained = features(starting_model(model), images, input_scale)
    trained = features(model, images, input_scale)
    return BeforeAndAfter(
        before=embedding_map(untrained, labels, indices, method, seed),
        after=embedding_map(trained, labels, indices, method, seed),
    )


def separation(points: np.ndarray, labels: np.ndarray) -> float:
    """How far apart the classes lie against how spread each is: the spread of the class centres
    (each weighted by its images) over the spread of the images around their own class's centre.
    0 when every class has the same centre; larger as the classes pull apart."""
    points, labels = np.asarray(points, dtype=np.float64), np.asarray(labels)
    centre = points.mean(axis=0)
    between = within = 0.0
    for label in np.unique(labels):
        members = points[labels == label]
        class_centre = members.mean(axis=0)
        between += len(members) * float(np.sum(np.square(class_centre - centre)))
        within += float(np.sum(np.square(members - class_centre)))
    return between / within if within > 0 else float("inf")


def nearest_centre_accuracy(points: np.ndarray, labels: np.ndarray) -> float:
    """The share of images whose nearest class centre on the map is their own class's: how well
    the map alone, with no output layer, would sort them."""
    points, labels = np.asarray(points, dtype=np.float64), np.asarray(labels)
    classes = np.unique(labels)
    centres = np.stack([points[labels == label].mean(axis=0) for label in classes])
    distances = np.sum(np.square(points[:, None, :] - centres[None, :, :]), axis=-1)
    return float(np.mean(classes[distances.argmin(axis=1)] == labels))
