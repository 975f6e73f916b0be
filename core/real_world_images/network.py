"""Lesson 4, "Using real-world images": the course's horse-or-human network on folders of photos.

Real photos are larger, in colour and far less uniform than Fashion-MNIST: the subject can be
anywhere, at any size, on any background. The course answers with five Conv2D + MaxPooling
blocks (16, 32, 64, 64, 64 filters), Dense(512) and one sigmoid output, trained with
RMSprop(learning rate 0.001). Images are decoded once into uint8 arrays (about 70 MB for the
1,027 training photos at 150×150) and then trained through the shared trainer.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field

import keras
import numpy as np

from core.base import jobs, language, layers, limits, precision
from core.engine import builder, code_export, image_classifier, training

BLOCK_FILTERS = (16, 32, 64, 64, 64)
PHOTO_LIMITS = limits.PhotoLimits()  # classes anywhere, photos in an upload
# TensorFlow's own memory while a training of photos runs and is scored (compiled steps, scratch
# space, the scoring batches): 20-70 MB over the arrays and the network, measured at 150 and 300 px.
WORKING_BYTES = 64 * 2**20
# What to change when a training would not fit, said in the learner's language where core.base.limits
# says its message (a Message reads as its English where it is put in a string).
NETWORK_ADVICE = language.Message("real_world_images.limits.network_advice")
PHOTO_ADVICE = language.Message("real_world_images.limits.photo_advice")


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
    stop: training.StopAtTarget | None = None  # the course's callback (the week 4 exercise uses it)
    own_photos: int = 0  # the learner's own photos added to the training photos ("teach it")
    from_run: int | None = None  # the run whose weights it started from; None: from scratch
    bfloat16: bool = field(default_factory=precision.default_bfloat16)  # all but the output layer in mixed bfloat16

    def __post_init__(self) -> None:
        if self.image_size not in (150, 300):
            raise language.LearnerError("real_world_images.errors.image_size")
        if not 1 <= self.conv_blocks <= 5:
            raise language.LearnerError("real_world_images.errors.blocks")
        if not (math.isfinite(self.learning_rate) and 0 < self.learning_rate <= 1):
            raise language.LearnerError("real_world_images.errors.learning_rate")
        if not 1 <= self.epochs <= 50:
            raise language.LearnerError("real_world_images.errors.epochs")
        if not 1 <= self.batch_size <= 512:
            raise language.LearnerError("real_world_images.errors.batch_size")
        if not 0.0 <= self.validation_split <= 0.5:
            raise language.LearnerError("real_world_images.errors.split")
        if not 0 <= self.own_photos <= 100 or (self.from_run is not None and self.from_run < 1):
            raise language.LearnerError("real_world_images.errors.own_photos")

    @property
    def input_scale(self) -> float:
        """Photos are kept as uint8 and scaled per batch, as the course's `rescale=1/255`."""
        return 1 / 255


def network(config: RealWorldConfig, num_classes: int = 2) -> layers.Network:
    """The course's network, described once: the model, the shown script and the cost all come
    from here. One sigmoid output for two classes, softmax for more; seeded starting weights and
    augmentation; all but the output layer in mixed bfloat16 when the run uses it
    (`core.base.precision`)."""
    blocks = [
        layer
        for block, filters in enumerate(BLOCK_FILTERS[: config.conv_blocks])
        for layer in (layers.Conv2D(filters, 3, activation="relu", seed=config.seed + block), layers.MaxPooling2D(2))
    ]
    if num_classes == 2:
        output = layers.Dense(1, activation="sigmoid", seed=config.seed + 11)
    else:
        output = layers.Dense(num_classes, activation="softmax", seed=config.seed + 11)
    return layers.Network(
        input_shape=(config.image_size, config.image_size, 3),
        layers=(
            *(augmentation(config.seed) if config.augment else ()),
            *blocks,
            layers.Flatten(),
            layers.Dense(512, activation="relu", seed=config.seed + 10),
            output,
        ),
        bfloat16=config.bfloat16,
    )


def make_model(config: RealWorldConfig, num_classes: int = 2) -> keras.Model:
    """The network as the Keras model the dashboard trains."""
    return builder.build(network(config, num_classes))


def cost(config: RealWorldConfig, num_classes: int = 2) -> limits.ModelCost:
    """`make_model`'s size, worked out from its description without building it: parameters, and
    the input, its augmented copies and every layer's output per photo."""
    return network(config, num_classes).cost()


def check_cost(config: RealWorldConfig, num_classes: int = 2) -> None:
    """Refuses settings whose training would take more memory than one training may use."""
    limits.check_memory(cost(config, num_classes), config.batch_size, NETWORK_ADVICE)


def photo_cost(
    config: RealWorldConfig, photos: int, validation_photos: int = 0, added_photos: int = 0
) -> limits.DataCost:
    """What a training's photos take, counted before any is decoded (a test checks each part
    against the arrays a training makes). A photo is size × size × 3 bytes, and a training holds:
    the decoded photos, to train and to validate; without a separate validation set, the split's
    training and held-out copies of them; with the learner's photos added ("teach it"), their
    augmented copies and the training half copied once more with them; the trainer's own copy of
    all it trains and validates on, the batches it gathers for one compiled call, and TensorFlow's
    working memory. While the trainer takes the arrays in, TensorFlow holds one more copy, whose
    space the network's training memory reuses once training starts (`limits.DataCost.copying_bytes`)."""
    photo = config.image_size**2 * 3
    decoded = (photos + validation_photos) * photo
    split = photos * photo if validation_photos == 0 else 0
    taught = (photos + 2 * added_photos) * photo if added_photos else 0
    trainer = (photos + validation_photos + added_photos) * photo
    gathered = min(training.CHUNK_BYTES, trainer)
    counted = {"count": f"{photos + validation_photos:,}", "side": config.image_size}
    if added_photos:
        description = language.Message(
            "real_world_images.limits.photos_and_copies", {**counted, "copies": f"{added_photos:,}"}
        )
    else:
        description = language.Message("real_world_images.limits.photos", counted)
    held = decoded + split + taught + trainer + gathered + WORKING_BYTES
    return limits.DataCost(held, trainer, description, PHOTO_ADVICE)


def check_training_memory(
    config: RealWorldConfig, num_classes: int, photos: int, validation_photos: int = 0, added_photos: int = 0
) -> None:
    """Refuses, before any photo is decoded or the network is built, a training that would take
    more memory than one training may use: the network with its photos, and the classes over the cap."""
    PHOTO_LIMITS.check(num_classes, photos)
    limits.check_memory(
        cost(config, num_classes),
        config.batch_size,
        NETWORK_ADVICE,
        data=photo_cost(config, photos, validation_photos, added_photos),
    )


def make_script(
    config: RealWorldConfig, num_classes: int = 2, data_dir: str = "horse-or-human", *, words: language.Words
) -> str:
    """ "Show the code": today's `image_dataset_from_directory` in place of the deprecated
    `ImageDataGenerator`, with this network written out layer for layer from the description
    `make_model` builds (a test builds both and compares them). Pixels are scaled in the data pipeline, as the
    dashboard scales each batch, so the script's model is the dashboard's model."""
    size = config.image_size
    loss = "binary_crossentropy" if num_classes == 2 else "sparse_categorical_crossentropy"
    label_mode = "binary" if num_classes == 2 else "int"
    said = {key: words(f"real_world_images.script.{key}") for key in SCRIPT_WORDS}
    augmentation_note = said["augmentation"]
    comments = {0: augmentation_note} if config.augment else None
    # The starting weights are left to Keras, as the course does: the script's data pipeline visits the
    # photos in another order than the dashboard's trainer, so the same seeds would not give the same run.
    model = code_export.model_source(network(config, num_classes), seeded=False, comments=comments)
    split = config.validation_split
    validation = (
        f"validation_split={split!r}, subset='both', seed={config.seed}," if split > 0 else f"seed={config.seed},"
    )
    datasets = "train, validation = " if split > 0 else "train = "
    validation_report = (
        "print(f\"final validation accuracy: {history.history['val_accuracy'][-1]:.4f}\")\n" if split > 0 else ""
    )
    prepare_validation = "validation = validation.map(scale).cache().prefetch(tf.data.AUTOTUNE)" if split > 0 else ""
    return f'''"""{said["title"]}

{said["generated"]}
{said["deprecated"]}
"""
import sys

import keras
import tensorflow as tf

data_dir = sys.argv[1] if len(sys.argv) > 1 else {data_dir!r}
{datasets}keras.utils.image_dataset_from_directory(
    data_dir, image_size=({size}, {size}), batch_size={config.batch_size}, label_mode="{label_mode}",
    {validation}
)
print("classes:", train.class_names)


def scale(images, labels):
    """{said["scale"]}"""
    return images / 255.0, labels


# {said["pipeline"]}
train = train.map(scale).cache().prefetch(tf.data.AUTOTUNE)
{prepare_validation}

{model}model.summary()
model.compile(
    optimizer=keras.optimizers.RMSprop(learning_rate={config.learning_rate!r}),  # {said["not_lr"]}
    loss="{loss}",
    metrics=["accuracy"],
)
history = model.fit(train, epochs={config.epochs}{", validation_data=validation" if split > 0 else ""})
print(f"final training accuracy: {{history.history['accuracy'][-1]:.4f}}")
{validation_report}'''


SCRIPT_WORDS = ("title", "generated", "deprecated", "scale", "pipeline", "augmentation", "not_lr")  # its comments


@dataclass(frozen=True)
class PhotoSplit:
    """The photos a run trains on, and those it validates on after every epoch: the course's
    separate validation set, a held-out share of every class, or none."""

    train_images: np.ndarray
    train_labels: np.ndarray
    validation: image_classifier.HeldOut | None

    @property
    def scored_on(self) -> image_classifier.HeldOut:
        """What the results are measured on: the validation photos or, with none held out, the
        training photos themselves, named so (it flatters the network, and the page says so)."""
        if self.validation is not None:
            return self.validation
        return image_classifier.HeldOut(self.train_images, self.train_labels, "training")


def split_photos(
    config: RealWorldConfig,
    images: np.ndarray,
    labels: np.ndarray,
    validation: tuple[np.ndarray, np.ndarray] | None = None,
) -> PhotoSplit:
    """The course's separate validation set when there is one, else `config.validation_split` of
    every class held out."""
    if validation is not None:
        return PhotoSplit(images, labels, image_classifier.HeldOut(*validation, name="validation"))
    train_indices, validation_indices = image_classifier.split_validation(labels, config.validation_split, config.seed)
    held_out = (
        image_classifier.HeldOut(images[validation_indices], labels[validation_indices], "validation")
        if len(validation_indices)
        else None
    )
    return PhotoSplit(images[train_indices], labels[train_indices], held_out)


def make_trainer(
    config: RealWorldConfig, model: keras.Model, split: PhotoSplit, *, record_histograms: bool = True
) -> training.Trainer:
    """The shared trainer with RMSprop, the course's loss and per-batch scaling, validating on the
    split's validation photos after every epoch, recording the weights' and gradients' histograms
    (`bench histograms` times them against a run without). One sigmoid output means binary labels."""
    binary = model.output_shape[-1] == 1

    def targets(values: np.ndarray) -> np.ndarray:
        return values.astype(np.float32)[:, None] if binary else values

    validation = split.validation
    return training.Trainer(
        model,
        training.make_optimizer("rmsprop", config.learning_rate),
        "binary_crossentropy" if binary else "sparse_categorical_crossentropy",
        split.train_images,
        targets(split.train_labels),
        batch_size=config.batch_size,
        accuracy="binary" if binary else "sparse_categorical",
        input_scale=config.input_scale,
        validation=(validation.images, targets(validation.labels)) if validation is not None else None,
        record_histograms=record_histograms,
        stop=config.stop,
        seed=config.seed,
    )


def augmentation(seed: int = 0) -> tuple[layers.Layer, ...]:
    """The course's next step against overfitting: random flips, rotations and zooms, active only
    while training (Keras skips them at prediction time)."""
    return (
        layers.RandomFlip("horizontal", seed=seed),
        layers.RandomRotation(0.1, seed=seed + 1),
        layers.RandomZoom(0.2, seed=seed + 2),
    )


def augmented_samples(image: np.ndarray, count: int = 6, seed: int = 0) -> list[np.ndarray]:
    """What the network sees of one photo on different epochs when augmentation is on."""
    batch = np.repeat(image[np.newaxis].astype(np.float32), count, axis=0)
    for layer in augmentation(seed):
        batch = builder.keras_layer(layer, precision.FLOAT32)(batch, training=True)
    return [np.clip(np.asarray(sample), 0, 255).astype(np.uint8) for sample in batch]


class Learning(enum.Enum):
    """How far a run has got, read from its last epoch: the four cases a learner must tell apart."""

    NOT_LEARNING = "not learning yet"  # training accuracy still near a guess
    STILL_LEARNING = "still learning"  # above a guess, but it has not learned its own training photos yet
    OVERFITTING = "overfitting"  # its training photos learned, photos it has not seen clearly worse
    GENERALISES = "generalises"  # both high and close


@dataclass(frozen=True)
class Diagnosis:
    """What the accuracy curves say about a run, in the lesson's words."""

    learning: Learning
    message: str


# A run has learned its training photos from 85% on them; below chance + 15 points it is still guessing.
LEARNED_TRAINING = 0.85
NEAR_CHANCE = 0.15
# Training well ahead of validation by 10 points or more is overfitting (the course's own runs show 15-25).
OVERFITTING_GAP = 0.10
# Validation accuracy that moves by five points or more over the last five epochs "jumps".
JUMP = 0.05
LAST_EPOCHS = 5


def diagnose(history: training.TrainingHistory, num_classes: int = 2, *, words: language.Words) -> Diagnosis | None:
    """Reads the last epoch's training and validation accuracy the right way round: a network that
    has not learned its own training photos is not overfitting, it is not there yet. None without
    validation photos (the page then says its scores are on the training photos)."""
    if not history.val_accuracy or not history.accuracy:
        return None
    chance = 1 / max(num_classes, 2)
    # Validation accuracy can jump between epochs (RMSprop on a few hundred photos): the median of
    # the last epochs says what the network has learned, not the luck of the last one.
    recent = history.val_accuracy[-LAST_EPOCHS:]
    trained, validated, last = history.accuracy[-1], float(np.median(recent)), history.val_accuracy[-1]
    scores = words(
        "real_world_images.diagnosis.scores", trained=words.percent(trained, 0), validated=words.percent(validated, 0)
    )
    if abs(validated - last) >= JUMP:
        scores += words("real_world_images.diagnosis.median", epochs=len(recent), last=words.percent(last, 0))
    if trained < chance + NEAR_CHANCE:
        learning = Learning.NOT_LEARNING
    elif trained < LEARNED_TRAINING:
        learning = Learning.STILL_LEARNING
    elif trained - validated >= OVERFITTING_GAP:
        learning = Learning.OVERFITTING
    else:
        learning = Learning.GENERALISES
    key = f"real_world_images.diagnosis.{learning.name.lower()}"
    return Diagnosis(learning, words(key, scores=scores, chance=words.percent(chance, 0)))


@dataclass(frozen=True)
class ValidationSpread:
    """How much the validation accuracy moved over the last epochs, and the best epoch of the run."""

    low: float  # lowest validation accuracy over the last epochs
    high: float  # highest over the same epochs
    epochs: int  # how many epochs that is (five, or fewer in a short run)
    best_epoch: int  # 1-based epoch of the best validation accuracy in the whole run
    best_accuracy: float

    @property
    def jumps(self) -> bool:
        """Five points or more between the last epochs: the last number is partly luck."""
        return self.high - self.low >= JUMP


def validation_spread(history: training.TrainingHistory, last: int = LAST_EPOCHS) -> ValidationSpread | None:
    """The spread of the last `last` epochs' validation accuracy and the run's best epoch; None
    with fewer than two epochs of validation."""
    values = history.val_accuracy
    if len(values) < 2:
        return None
    tail = values[-last:]
    best = int(np.argmax(values))  # the first of equal bests
    return ValidationSpread(min(tail), max(tail), len(tail), best + 1, values[best])


def spread_note(spread: ValidationSpread, learning_rate: float, *, words: language.Words) -> str:
    """One line on a jumping validation curve: what it did, why, and the course's remedies."""
    return words(
        "real_world_images.diagnosis.spread",
        low=words.percent(spread.low, 0),
        high=words.percent(spread.high, 0),
        epochs=spread.epochs,
        best_accuracy=words.percent(spread.best_accuracy, 0),
        best_epoch=spread.best_epoch,
        learning_rate=f"{learning_rate:g}",
    )


@dataclass(frozen=True)
class Photos:
    """The decoded photos a training job of this lesson learns from: uint8 arrays read once, the
    course's separate validation set when there is one, and how many classes the folders hold."""

    images: np.ndarray
    labels: np.ndarray
    num_classes: int
    validation: tuple[np.ndarray, np.ndarray] | None = None


def validation_count(photos: Photos) -> int:
    """How many photos the separate validation set holds (0 when a share is held out instead)."""
    return 0 if photos.validation is None else len(photos.validation[1])


@dataclass(frozen=True)
class ModelMaker:
    """Rebuilds this lesson's network for a number of classes (a picklable `make_model`)."""

    num_classes: int

    def __call__(self, config: RealWorldConfig) -> keras.Model:
        return make_model(config, self.num_classes)


def build_training(config: RealWorldConfig, photos: Photos) -> jobs.TrainingSetup:
    """What a training job of this lesson runs: the network, its trainer on the split's training
    photos, and the photos it is scored on."""
    # The page checks first; a job never builds an oversized network or copies too many photos.
    check_training_memory(config, photos.num_classes, len(photos.labels), validation_count(photos))
    split = split_photos(config, photos.images, photos.labels, photos.validation)
    model = make_model(config, photos.num_classes)
    return jobs.TrainingSetup(model, make_trainer(config, model, split), split.scored_on, config.input_scale)
