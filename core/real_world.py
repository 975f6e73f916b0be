"""Lesson 4, "Using real-world images": the course's horse-or-human network on folders of photos.

Real photos are larger, in colour and far less uniform than Fashion-MNIST: the subject can be
anywhere, at any size, on any background. The course answers with five Conv2D + MaxPooling
blocks (16, 32, 64, 64, 64 filters), Dense(512) and one sigmoid output, trained with
RMSprop(learning rate 0.001). Images are decoded once into uint8 arrays (about 70 MB for the
1,027 training photos at 150×150) and then trained through the shared trainer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
from PIL import Image

from core import computer_vision, convolution_playground, training
from core.image_folders import ImageFolder

BLOCK_FILTERS = (16, 32, 64, 64, 64)


@dataclass(frozen=True)
class RealWorldConfig:
    """The course's network and its training; the same object builds, trains, labels and exports."""

    image_size: int = 150  # 150 on a CPU (the course later drops 300 to 150 for speed)
    conv_blocks: int = 5
    learning_rate: float = 0.001  # RMSprop(learning_rate=0.001)
    epochs: int = 15
    batch_size: int = 32
    validation_split: float = 0.2
    augment: bool = False  # random flips, rotations and zooms while training
    seed: int = 0

    def __post_init__(self) -> None:
        if self.image_size not in (150, 300):
            raise ValueError("The image size must be 150 or 300.")
        if not 1 <= self.conv_blocks <= 5:
            raise ValueError("Use 1 to 5 convolution blocks.")
        if not (math.isfinite(self.learning_rate) and 0 < self.learning_rate <= 1):
            raise ValueError("The learning rate must be above 0 and at most 1.")
        if not 1 <= self.epochs <= 50:
            raise ValueError("Epochs must be between 1 and 50.")
        if not 1 <= self.batch_size <= 512:
            raise ValueError("The batch size must be between 1 and 512.")
        if not 0.0 <= self.validation_split <= 0.5:
            raise ValueError("Hold out between 0% and 50% of the images for validation.")

    @property
    def stop_rule(self) -> None:
        """Lesson 4 trains for its epochs; the course's callback belongs to Lessons 2 and 3."""
        return None


def decode_image(path: Path, size: int) -> np.ndarray:
    """One photo as (size, size, 3) uint8, decoded as `image_dataset_from_directory` does: the
    first three channels (alpha dropped), an animation's first frame, a bilinear resize."""
    return np.asarray(_decoded(str(path), size))


def _decoded(path, size: int):
    import tensorflow as tf

    picture = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
    resized = tf.image.resize(picture, (size, size), method="bilinear")
    return tf.cast(tf.round(tf.clip_by_value(resized, 0, 255)), tf.uint8)


def load_images(folder: ImageFolder, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Every image of the folder read by a tf.data pipeline (parallel decode, prefetch) exactly
    once; the uint8 arrays it fills are the cache every epoch trains from."""
    import tensorflow as tf

    labels = np.array([label for _, label in folder.files], dtype=np.uint8)
    if not folder.files:
        return np.zeros((0, size, size, 3), dtype=np.uint8), labels
    pipeline = (
        tf.data.Dataset.from_tensor_slices([str(path) for path, _ in folder.files])
        .map(lambda path: _decoded(path, size), num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        .batch(64)
        .prefetch(tf.data.AUTOTUNE)
    )
    return np.concatenate([batch.numpy() for batch in pipeline]), labels


def split_validation(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices for training and validation, holding out `fraction` of every class."""
    rng = np.random.default_rng(seed)
    held_out = []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        held_out.append(members[: int(round(fraction * len(members)))])
    validation = np.sort(np.concatenate(held_out))
    return np.setdiff1d(np.arange(len(labels)), validation), validation


def make_model(config: RealWorldConfig, num_classes: int = 2) -> keras.Model:
    """The course's network: one sigmoid output for two classes, softmax for more."""
    layers: list[keras.layers.Layer] = [keras.Input(shape=(config.image_size, config.image_size, 3))]
    if config.augment:
        layers += augmentation_layers(config.seed)
    for block, filters in enumerate(BLOCK_FILTERS[: config.conv_blocks]):
        layers.append(
            keras.layers.Conv2D(
                filters,
                (3, 3),
                activation="relu",
                kernel_initializer=keras.initializers.GlorotUniform(config.seed + block),
            )
        )
        layers.append(keras.layers.MaxPooling2D(2, 2))
    layers += [
        keras.layers.Flatten(),
        keras.layers.Dense(
            512, activation="relu", kernel_initializer=keras.initializers.GlorotUniform(config.seed + 10)
        ),
    ]
    if num_classes == 2:
        layers.append(
            keras.layers.Dense(
                1, activation="sigmoid", kernel_initializer=keras.initializers.GlorotUniform(config.seed + 11)
            )
        )
    else:
        layers.append(
            keras.layers.Dense(
                num_classes, activation="softmax", kernel_initializer=keras.initializers.GlorotUniform(config.seed + 11)
            )
        )
    return keras.Sequential(layers)


def make_trainer(
    config: RealWorldConfig,
    model: keras.Model,
    images: np.ndarray,
    labels: np.ndarray,
    num_classes: int = 2,
    validation: tuple[np.ndarray, np.ndarray] | None = None,
) -> training.Trainer:
    """The shared trainer with RMSprop, the course's loss and per-batch scaling. It validates on
    `validation` (the course's separate validation set) when given, else on a held-out split."""

    def targets(values: np.ndarray) -> np.ndarray:
        return values.astype(np.float32)[:, None] if num_classes == 2 else values

    if validation is not None:
        train_images, train_labels, held_out = images, labels, (validation[0], targets(validation[1]))
    else:
        train_indices, validation_indices = split_validation(labels, config.validation_split, config.seed)
        train_images, train_labels = images[train_indices], labels[train_indices]
        held_out = (
            (images[validation_indices], targets(labels[validation_indices])) if len(validation_indices) else None
        )
    return training.Trainer(
        model,
        training.make_optimizer("rmsprop", config.learning_rate),
        "binary_crossentropy" if num_classes == 2 else "sparse_categorical_crossentropy",
        train_images,
        targets(train_labels),
        batch_size=config.batch_size,
        accuracy="binary" if num_classes == 2 else "sparse_categorical",
        input_scale=1 / 255,
        validation=held_out,
        seed=config.seed,
    )


def classify(model: keras.Model, image: np.ndarray) -> np.ndarray:
    """Class probabilities for one (size, size, 3) uint8 image: [1 - p, p] for a sigmoid output."""
    return classify_batch(model, image[np.newaxis])[0]


def augmentation_layers(seed: int = 0) -> list[keras.layers.Layer]:
    """The course's next step against overfitting: random flips, rotations and zooms, active only
    while training (Keras skips them at prediction time)."""
    return [
        keras.layers.RandomFlip("horizontal", seed=seed),
        keras.layers.RandomRotation(0.1, seed=seed + 1),
        keras.layers.RandomZoom(0.2, seed=seed + 2),
    ]


def augmented_samples(image: np.ndarray, count: int = 6, seed: int = 0) -> list[np.ndarray]:
    """What the network sees of one photo on different epochs when augmentation is on."""
    layers = augmentation_layers(seed)
    batch = np.repeat(image[np.newaxis].astype(np.float32), count, axis=0)
    for layer in layers:
        batch = layer(batch, training=True)
    return [np.clip(np.asarray(sample), 0, 255).astype(np.uint8) for sample in batch]


def evaluate(model: keras.Model, images: np.ndarray, labels: np.ndarray) -> computer_vision.Evaluation:
    """Loss, accuracy and confusion matrix on held-out photos (binary: the 0.5 threshold decides)."""
    probabilities = np.concatenate(
        [classify_batch(model, images[start : start + 64]) for start in range(0, len(images), 64)]
    )
    picked = np.clip(probabilities[np.arange(len(labels)), labels.astype(np.int64)], 1e-7, 1.0)
    predictions = probabilities.argmax(axis=1)
    return computer_vision.Evaluation(
        loss=float(-np.mean(np.log(picked))),
        accuracy=float(np.mean(predictions == labels)),
        predictions=predictions,
        probabilities=probabilities,
        confusion=computer_vision.confusion_matrix(labels, predictions, probabilities.shape[1]),
    )


def classify_batch(model: keras.Model, images: np.ndarray) -> np.ndarray:
    """Class probabilities for uint8 images; a sigmoid output p becomes [1 - p, p]."""
    output = np.asarray(model(images.astype(np.float32) / 255, training=False))
    return np.concatenate([1 - output, output], axis=1) if output.shape[1] == 1 else output


def overfitting_note(history: training.TrainingHistory, gap: float = 0.05) -> str | None:
    """Names overfitting when training accuracy has pulled clearly ahead of validation accuracy."""
    if not history.val_accuracy:
        return None
    difference = history.accuracy[-1] - history.val_accuracy[-1]
    if difference < gap:
        return None
    return (
        f"Overfitting: {history.accuracy[-1]:.0%} on the training photos but {history.val_accuracy[-1]:.0%} on photos "
        "it has not seen. The network is memorising its examples; augmentation (the course's next step) helps."
    )


def gradcam(model: keras.Model, image: np.ndarray) -> np.ndarray:
    """Where the network looked (Grad-CAM): the last convolution's maps weighted by how much the
    predicted class's score grows with each, as a (size, size) map in 0..1."""
    import tensorflow as tf

    convolutions = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    probe = keras.Model(inputs=model.inputs[0], outputs=[convolutions[-1].output, model.outputs[0]])
    batch = tf.convert_to_tensor(image[np.newaxis].astype(np.float32) / 255)
    with tf.GradientTape() as tape:
        maps, output = probe(batch, training=False)
        score = output[:, 0] if output.shape[-1] == 1 else tf.reduce_max(output, axis=-1)
        if output.shape[-1] == 1:  # explain the class it chose: "human" is p, "horse" is 1 - p
            score = tf.where(score >= 0.5, score, 1 - score)
    gradients = tape.gradient(score, maps)
    weights = tf.reduce_mean(gradients, axis=(1, 2))
    heatmap = tf.nn.relu(tf.reduce_sum(maps * weights[:, None, None, :], axis=-1))[0]
    heatmap = heatmap / (tf.reduce_max(heatmap) + 1e-8)
    resized = tf.image.resize(heatmap[..., None], image.shape[:2], method="bilinear")[..., 0]
    return np.asarray(resized)


def history_csv(history: training.TrainingHistory) -> str:
    """The run's curves as CSV, one row per epoch."""
    lines = ["epoch,loss,accuracy,val_loss,val_accuracy"]
    for epoch in range(history.epochs_run):
        values = [history.loss[epoch], history.accuracy[epoch]]
        values += [history.val_loss[epoch], history.val_accuracy[epoch]] if history.val_loss else ["", ""]
        lines.append(",".join([str(epoch + 1), *(f"{v:.6f}" if v != "" else "" for v in values)]))
    return "\n".join(lines) + "\n"


def model_file(model: keras.Model) -> bytes:
    """The trained model as a `.keras` file to download (never load one a user uploads: that can run code)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()


def image_from_upload(data: bytes, size: int) -> np.ndarray:
    """An uploaded photo through the one guarded decoder, resized like the training photos."""
    picture = convolution_playground.open_upload(data)
    return np.asarray(picture.resize((size, size), Image.BILINEAR), dtype=np.uint8)


def heatmap_overlay(image: np.ndarray, heatmap: np.ndarray, strength: float = 0.5) -> np.ndarray:
    """The photo with the Grad-CAM map laid over it in red-yellow, as uint8 RGB."""
    colour = np.stack([np.ones_like(heatmap), heatmap, np.zeros_like(heatmap)], axis=-1) * 255
    blend = (1 - strength * heatmap[..., None]) * image + strength * heatmap[..., None] * colour
    return np.clip(blend, 0, 255).astype(np.uint8)


def feature_maps(model: keras.Model, image: np.ndarray) -> tuple[list[str], list[np.ndarray]]:
    """The course's intermediate representations: every convolution and pooling output for one photo."""
    kinds = (keras.layers.Conv2D, keras.layers.MaxPooling2D)
    layers = [layer for layer in model.layers if isinstance(layer, kinds)]
    probe = keras.Model(inputs=model.inputs[0], outputs=[layer.output for layer in layers])
    outputs = probe(image[np.newaxis].astype(np.float32) / 255, training=False)
    return [layer.name for layer in layers], [np.asarray(output) for output in outputs]


def image_sizes(folder: ImageFolder, sample: int = 200) -> dict[str, int]:
    """How many of a sample of the photos have each size (read from the headers, not decoded)."""
    sizes: dict[str, int] = {}
    for path, _ in folder.files[:: max(1, len(folder.files) // sample)]:
        with Image.open(path) as image:
            key = f"{image.width}×{image.height} {image.mode}"
        sizes[key] = sizes.get(key, 0) + 1
    return sizes


def download_archive(url: str, cache_dir: Path, on_progress=None, timeout_s: float = 30.0) -> ImageFolder:
    """The course's zip, downloaded once: to a temporary file, checked to be a valid zip of class
    folders (unpacked safely), then moved into the cache, where later runs find it."""
    import tempfile
    import urllib.request

    from core import image_folders

    name = Path(url).stem
    target = cache_dir / name
    if target.is_dir():
        try:
            return image_folders.scan_folder(_class_root(target))
        except ValueError:
            pass  # a damaged cache: download again
    cache_dir.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response, tempfile.TemporaryFile() as archive:
            total = int(response.headers.get("Content-Length") or 0)
            received = 0
            while chunk := response.read(1 << 20):
                archive.write(chunk)
                received += len(chunk)
                if on_progress:
                    on_progress(received, total)
            archive.seek(0)
            data = archive.read()
    except OSError as problem:
        raise ConnectionError(
            f"Could not download {url} ({problem}). Without internet, use a local folder, a zip you upload, "
            "or the synthetic sample."
        ) from None
    with tempfile.TemporaryDirectory(dir=cache_dir) as staging:
        image_folders.extract_zip_safely(data, Path(staging) / name)  # raises on a bad or unsafe archive
        (Path(staging) / name).rename(target)
    return image_folders.scan_folder(_class_root(target))


def _class_root(folder: Path) -> Path:
    """The folder itself, or the single folder inside it that holds the classes."""
    children = [child for child in folder.iterdir() if child.is_dir() and not child.name.startswith((".", "__"))]
    if len(children) == 1 and any(grandchild.is_dir() for grandchild in children[0].iterdir()):
        return children[0]
    return folder
