"""Training shared by every lesson: compiled optimizer steps, live progress and stopping rules.

Stock `model.fit` pays Python and callback overhead on every epoch and every batch. For the
course's small models that overhead is almost all of the time (1000 epochs of one neuron take
about 20 s on two cores). Here one compiled TensorFlow function runs many optimizer steps in a
`tf.while_loop`, so a whole chunk of training is a single call. Between chunks, Python reports
progress and applies the stopping rules: the course's stop-at-target callback and a divergence
check that turns an exploding loss into a lesson instead of a crash.

The optimizer update is Keras's own (`optimizer.apply_gradients`), so a run here follows the same
path as `model.fit` from the same initial weights; a test checks that.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from core.base import language, threads, weight_histograms
from core.base.history import (  # noqa: F401 - the trainer's vocabulary, also read as training.X
    Progress,
    ProgressCallback,
    ProgressReporter,
    StopAtTarget,
    TrainingHistory,
    progress_so_far,
)

OPTIMIZERS = ("sgd", "adam", "rmsprop")


def make_optimizer(name: str, learning_rate: float) -> keras.optimizers.Optimizer:
    """Builds a Keras optimizer by its course name with an explicit learning rate."""
    builders = {
        "sgd": keras.optimizers.SGD,
        "adam": keras.optimizers.Adam,
        "rmsprop": keras.optimizers.RMSprop,
    }
    if name not in builders:
        raise language.LearnerError(
            "engine.training.errors.unknown_optimizer", name=repr(name), choices=", ".join(OPTIMIZERS)
        )
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        raise language.LearnerError("engine.training.errors.learning_rate", value=learning_rate)
    return builders[name](learning_rate=learning_rate)


def without_replica_all_reduce(optimizer: keras.optimizers.Optimizer) -> keras.optimizers.Optimizer:
    """The optimizer with its gradients' all-reduce across replicas turned off, for this one
    optimizer: training here never runs under a distribution strategy, where one replica's
    all-reduce is the gradients unchanged. Keras's TensorFlow optimizer all-reduces inside a
    `tf.custom_gradient`, and each trace of a training step registers that gradient in
    TensorFlow's process-wide gradient registry, never removed; the registration holds the whole
    traced graph, so a server kept 10-20 MB of every training it ran (bench/memory.py)."""
    optimizer._all_reduce_sum_gradients = lambda grads_and_vars: list(grads_and_vars)
    return optimizer


# Per-example losses, reduced by the trainer so a padded last batch can be masked out.
LOSSES = {
    "mean_squared_error": keras.losses.mean_squared_error,
    "mean_absolute_error": keras.losses.mean_absolute_error,
    "sparse_categorical_crossentropy": keras.losses.sparse_categorical_crossentropy,
    "binary_crossentropy": keras.losses.binary_crossentropy,
}

CHUNK_BYTES = 64 * 1024 * 1024  # at most this much gathered input per compiled call
HISTOGRAM_SAMPLE = 128  # training examples whose gradients the histograms show, the same each epoch
HISTOGRAM_SHARE = 40  # ...and at most this fraction (1/40) of an epoch's examples, to cost little
HISTOGRAM_PIECE_BYTES = 8 * 2**20  # float input of one gradient pass, as a trained network's inference batch
KERNEL_LAYERS = (keras.layers.Dense, keras.layers.Conv2D)  # the layers whose kernels are recorded


def kernel_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The trainable Dense and Conv2D layers of a model, nested models included, in order."""
    found: list[keras.layers.Layer] = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found += kernel_layers(layer)
        elif isinstance(layer, KERNEL_LAYERS) and layer.trainable:
            found.append(layer)
    return found


def histogram_sample_plan(num_examples: int, batch_size: int, example_floats: int) -> tuple[int, int]:
    """(examples, piece): how many training examples the gradient histograms are computed on,
    and in pieces of how many. At most HISTOGRAM_SAMPLE and a HISTOGRAM_SHARE-th of the epoch,
    so the extra pass costs a few percent of an epoch (`bench histograms`). A piece is a batch,
    or more where the examples are small: all 128 Fashion-MNIST images in one call (as a trained
    network is evaluated 256 at a time), Lesson 4's large photos a batch at a time (a training's
    memory is costed per batch). A whole number of pieces, so one trace serves them all."""
    wanted = max(1, min(HISTOGRAM_SAMPLE, num_examples // HISTOGRAM_SHARE))
    piece = min(wanted, max(batch_size, HISTOGRAM_PIECE_BYTES // max(1, 4 * example_floats)))
    return wanted // piece * piece, piece


@dataclass(frozen=True)
class BatchPlan:
    """Which examples each step of one compiled call trains on; every step has the same shape so
    the step loop compiles once, and rows past a step's size (or steps past the chunk) are padding."""

    indices: np.ndarray  # (steps_per_call, batch_size) int32, zero where padded
    sizes: np.ndarray  # (steps_per_call,) int32, 0 for steps the chunk does not run


def epochs_spanned(first_step: int, count: int, steps_per_epoch: int) -> int:
    """How many epochs (the current one first) a chunk of `count` steps from `first_step` touches."""
    return (first_step + max(count, 1) - 1) // steps_per_epoch + 1


def plan_batches(
    orders: Sequence[np.ndarray], first_step: int, count: int, steps_per_call: int, batch_size: int
) -> BatchPlan:
    """Lays out the next `count` batches, step `first_step` of the current epoch onwards.

    `orders[0]` is the order in which the current epoch visits the examples, `orders[1]` the next
    epoch's, and so on. Each epoch ends with a shorter batch when the examples do not divide evenly,
    as in `model.fit`, and a chunk that crosses into the next epoch takes that epoch's order.
    """
    steps_per_epoch = math.ceil(len(orders[0]) / batch_size)
    if not 0 <= count <= steps_per_call:
        raise ValueError(f"A chunk runs between 0 and {steps_per_call} steps, not {count}.")
    if len(orders) < epochs_spanned(first_step, count, steps_per_epoch):
        raise ValueError(f"{count} steps from step {first_step} need the order of every epoch they reach.")
    indices = np.zeros((steps_per_call, batch_size), dtype=np.int32)
    sizes = np.zeros(steps_per_call, dtype=np.int32)
    for step in range(count):
        epoch, position = divmod(first_step + step, steps_per_epoch)
        batch = orders[epoch][position * batch_size : (position + 1) * batch_size]
        indices[step, : len(batch)] = batch
        sizes[step] = len(batch)
    return BatchPlan(indices=indices, sizes=sizes)


@dataclass
class EpochTally:
    """Running totals of the epoch in progress. The loss is weighted by batch size, so the short
    last batch counts as little as it should and the epoch loss is the mean over examples, as in fit."""

    loss_sum: float = 0.0
    hits: float = 0.0
    seen: int = 0  # examples trained on so far this epoch
    steps: int = 0  # batches trained on so far this epoch

    def add(self, loss: float, hits: float, size: int) -> None:
        """Counts one batch of `size` examples whose mean loss was `loss`."""
        self.loss_sum += loss * size
        self.hits += hits
        self.seen += size
        self.steps += 1

    @property
    def loss(self) -> float:
        return self.loss_sum / self.seen

    @property
    def accuracy(self) -> float:
        return self.hits / self.seen


class CompiledStep:
    """One model's optimizer steps as one compiled call: `loop` runs up to `steps` steps in a
    `tf.while_loop` on batches gathered beforehand ([steps, batch, ...]); step i trains on the
    first sizes[i] rows of batch i (the last, shorter batch of an epoch is padded and masked, so
    its loss and gradients equal those of the short batch `fit` uses). It closes over its model
    and optimizer only, never a trainer, so an XLA-compiled step can serve run after run."""

    def __init__(
        self,
        model: keras.Model,
        optimizer: keras.optimizers.Optimizer,
        loss: str,
        *,
        batch_size: int,
        accuracy: str | None,
        input_scale: float | None,
        record_weights: bool,
        jit_compile: bool,
    ) -> None:
        self.model, self.optimizer = model, optimizer
        self.loss_fn = LOSSES[loss]
        self.batch_size = batch_size
        self.accuracy_kind = accuracy
        self.scale = input_scale
        self.record_weights = record_weights
        self.loop = tf.function(self._loop_graph, jit_compile=jit_compile)
        self._kernel_gradients: Callable | None = None  # traced when a run first records histograms

    def kernel_gradients(self, x_batch: tf.Tensor, y_batch: tf.Tensor) -> list[tf.Tensor]:
        """The gradient of the summed loss of these examples with respect to each kernel
        (`kernel_layers`), without training. Dropout and augmentation are off (`training=False`),
        so the same examples give comparable gradients epoch after epoch. Traced once per step
        (a sample of another size retraces it once more, for any size): a borrowed compiled step
        keeps it for the runs after."""
        if self._kernel_gradients is None:
            self._kernel_gradients = tf.function(self._kernel_gradients_graph, reduce_retracing=True)
        return self._kernel_gradients(x_batch, y_batch)

    def _kernel_gradients_graph(self, x_batch: tf.Tensor, y_batch: tf.Tensor) -> list[tf.Tensor]:
        kernels = [layer.kernel for layer in kernel_layers(self.model)]
        if self.scale is not None:
            x_batch = tf.cast(x_batch, tf.float32) * self.scale
        with tf.GradientTape() as tape:
            y_pred = self.model(x_batch, training=False)
            loss = tf.reduce_sum(tf.cast(self.loss_fn(y_batch, y_pred), tf.float32))
        return [tf.cast(gradient, tf.float32) for gradient in tape.gradient(loss, kernels)]

    def correct(self, y_true: tf.Tensor, y_pred: tf.Tensor) -> tf.Tensor:
        """1.0 for each example the model gets right, 0.0 otherwise."""
        if self.accuracy_kind == "sparse_categorical":
            predicted = tf.argmax(y_pred, axis=-1, output_type=tf.int32)
            hits = tf.equal(predicted, tf.cast(tf.reshape(y_true, [-1]), tf.int32))
        elif self.accuracy_kind == "binary":
            predicted = tf.cast(tf.reshape(y_pred, [-1]) > 0.5, tf.float32)
            hits = tf.equal(predicted, tf.cast(tf.reshape(y_true, [-1]), tf.float32))
        else:
            return tf.zeros([tf.shape(y_pred)[0]])
        return tf.cast(hits, tf.float32)

    def _loop_graph(self, x_batches: tf.Tensor, y_batches: tf.Tensor, sizes: tf.Tensor, count: tf.Tensor):
        """Runs `count` optimizer steps; step i trains on the first sizes[i] rows of batch i."""
        steps = sizes.shape[0]
        variables = self.model.trainable_variables
        flat_size = sum(int(np.prod(v.shape)) for v in variables) if self.record_weights else 1
        losses = tf.TensorArray(tf.float32, size=steps)
        hits = tf.TensorArray(tf.float32, size=steps)
        snapshots = tf.TensorArray(tf.float32, size=steps, element_shape=[flat_size])
        positions = tf.range(self.batch_size)

        def body(i, losses, hits, snapshots):
            x_batch, y_batch = x_batches[i], y_batches[i]
            if self.scale is not None:
                x_batch = tf.cast(x_batch, tf.float32) * self.scale
            mask = tf.cast(positions < sizes[i], tf.float32)
            valid = tf.cast(sizes[i], tf.float32)
            with tf.GradientTape() as tape:
                y_pred = self.model(x_batch, training=True)
                per_example = tf.cast(self.loss_fn(y_batch, y_pred), tf.float32)
                loss = tf.reduce_sum(per_example * mask) / valid
            gradients = tape.gradient(loss, variables)
            self.optimizer.apply_gradients(zip(gradients, variables, strict=True))
            if self.record_weights:
                snapshot = tf.concat([tf.reshape(tf.cast(v, tf.float32), [-1]) for v in variables], axis=0)
            else:
                snapshot = tf.zeros([1])
            return (
                i + 1,
                losses.write(i, loss),
                hits.write(i, tf.reduce_sum(self.correct(y_batch, y_pred) * mask)),
                snapshots.write(i, snapshot),
            )

        _, losses, hits, snapshots = tf.while_loop(
            lambda i, *_: i < count, body, (tf.constant(0), losses, hits, snapshots)
        )
        return losses.stack(), hits.stack(), snapshots.stack()


MAX_COMPILED_STEPS = 16  # XLA programs this process keeps, about 7.5 MB each for Lesson 2's network


class CompiledSteps:
    """XLA-compiled steps kept for the life of the process, one per architecture and batch shape
    (and one more per training that runs at the same time), reused by every run that matches.

    TensorFlow keeps every XLA program it compiles until the process ends, and a program is
    compiled per traced function: compiling each run's own step made a server grow by about
    7.5 MB per Lesson 2 run (bench/memory.py). Here a run borrows a compiled step whose model and
    optimizer have the same structure, copies its own weights and optimizer state in, trains,
    and copies them back after every compiled call; the program is compiled once. At most
    MAX_COMPILED_STEPS are ever made; past that, a run trains without XLA."""

    def __init__(self, most: int = MAX_COMPILED_STEPS) -> None:
        self.most = most
        self._free: dict[str, list[CompiledStep]] = {}
        self._compiling: set[str] = set()  # keys a precompile is working on: a run waits for it
        self._made = 0
        self._changed = threading.Condition()

    @property
    def made(self) -> int:
        return self._made

    def borrow(self, key: str, make: Callable[[], CompiledStep], compiling: bool = False) -> CompiledStep | None:
        """A free compiled step for this key, a new one while there is room, else None. While a
        precompile (`compiling=True`) of this key runs, a run waits for its step rather than
        compiling a second one."""
        with self._changed:
            while not self._free.get(key) and key in self._compiling:
                self._changed.wait()
            free = self._free.setdefault(key, [])
            if free:
                step = free.pop()
            elif self._made >= self.most:
                return None
            else:
                self._made += 1
                step = None
            if compiling:
                self._compiling.add(key)
        return step if step is not None else make()

    def give_back(self, key: str, step: CompiledStep) -> None:
        with self._changed:
            self._free.setdefault(key, []).append(step)
            self._compiling.discard(key)
            self._changed.notify_all()


COMPILED_STEPS = CompiledSteps()
# Steps kept only for their traced gradient function (`CompiledStep.kernel_gradients`), one per
# architecture, so a run without XLA does not trace it again (about 0.1 s of each Lesson 3 run).
GRADIENT_STEPS = CompiledSteps()


def structure_key(model: keras.Model, optimizer: keras.optimizers.Optimizer, *parts: object) -> str:
    """What a compiled step depends on: each layer's configuration (less its name and its
    initializers, which only set the starting weights a run copies in), the input, the
    optimizer's kind and settings (less its name and learning rate, which is a variable), and the
    shapes and options the caller adds. Runs that differ only in their seed share one step."""

    def unnamed(config: dict) -> dict:
        return {key: value for key, value in config.items() if key != "name" and not key.endswith("_initializer")}

    optimizer_config = {key: value for key, value in unnamed(optimizer.get_config()).items() if key != "learning_rate"}
    description = {
        "model": type(model).__name__,
        "input": [str(tensor.shape) + tensor.dtype for tensor in model.inputs] if model.inputs else None,
        "layers": [[type(layer).__name__, unnamed(layer.get_config())] for layer in model.layers],
        "optimizer": [type(optimizer).__name__, optimizer_config],
        "parts": parts,
    }
    return json.dumps(description, sort_keys=True, default=str)


def copy_variables(source: Sequence[tf.Variable], target: Sequence[tf.Variable]) -> None:
    for from_variable, to_variable in zip(source, target, strict=True):
        to_variable.assign(from_variable)


class Trainer:
    """Trains one Keras model on in-memory arrays, many optimizer steps per compiled call.

    Every step sees a batch of the same static shape, so a compiled loop serves every chunk.
    XLA is off unless a lesson asks for it, and only Lesson 2 does: `jit_compile=True` compiles
    the loop once per architecture and shape, for the life of the process, and later runs reuse it
    (`CompiledSteps`). Measured on the 2-core development machine (`core.base.threads`), Lesson
    2's 5 epochs took 2.3 s with XLA against 9.4 s without on two threads (3.0 s against 4.6 s on
    one); XLA made a Lesson 3 epoch about 30 times slower, and took 2.3-2.9 times as long for
    Lesson 2 in bfloat16 as in float32. Lessons 1 and 4 were not measured with XLA and train
    without it. `x` may stay uint8: `input_scale` converts each batch to float inside the compiled
    step, so the training set never needs a float copy in memory. Each compiled call takes its
    turn on the machine's thread pool (`core.base.threads`).
    """

    def __init__(
        self,
        model: keras.Model,
        optimizer: keras.optimizers.Optimizer,
        loss: str,
        x: np.ndarray,
        y: np.ndarray,
        *,
        batch_size: int | None = None,
        accuracy: str | None = None,  # None, "sparse_categorical" or "binary"
        input_scale: float | None = None,
        record_weights: bool = False,
        record_histograms: bool = False,
        shuffle: bool = True,
        jit_compile: bool = False,
        steps_per_call: int | None = None,
        validation: tuple[np.ndarray, np.ndarray] | None = None,
        stop: StopAtTarget | None = None,
        seed: int = 0,
    ) -> None:
        if len(x) != len(y) or len(x) == 0:
            raise ValueError(f"Need as many answers as inputs, and at least one: {len(x)} vs {len(y)}.")
        if loss not in LOSSES:
            raise language.LearnerError(
                "engine.training.errors.unknown_loss", name=repr(loss), choices=", ".join(LOSSES)
            )
        self.model = model
        self.optimizer = without_replica_all_reduce(optimizer)
        self.loss = loss
        self.num_examples = len(x)
        self.batch_size = min(batch_size or self.num_examples, self.num_examples)
        self.steps_per_epoch = math.ceil(self.num_examples / self.batch_size)
        self.accuracy_kind = accuracy
        self.record_weights = record_weights
        self.record_histograms = record_histograms
        self.shuffle = shuffle
        self.jit_compile = jit_compile
        self.stop = stop  # the course's callback, checked at the end of every epoch
        self._rng = np.random.default_rng(seed)
        self._orders: list[np.ndarray] = []  # visiting orders of the current epoch and any planned after it
        self._x = tf.convert_to_tensor(x)
        self._y = tf.convert_to_tensor(y)
        self._scale = input_scale
        example_bytes = max(1, x[0].nbytes + y[0].nbytes)
        self.steps_per_call = steps_per_call or max(1, min(256, CHUNK_BYTES // (example_bytes * self.batch_size)))
        self._validation = (
            (tf.convert_to_tensor(validation[0]), tf.convert_to_tensor(validation[1])) if validation else None
        )
        if record_histograms:
            self._set_histogram_sample(x, y, seed)
        self.optimizer.build(self.model.trainable_variables)
        self._own_step = self._make_step(model, self.optimizer, jit_compile=False)
        self._step = self._own_step  # the step a run trains with: its own, or a borrowed compiled one
        self._evaluate_batch = tf.function(self._evaluate_graph)

    def _set_histogram_sample(self, x: np.ndarray, y: np.ndarray, seed: int) -> None:
        """Chooses the training examples whose gradients the histograms show, the same every
        epoch, from a generator of their own: the training's shuffles stay as they were."""
        size, self._sample_piece = histogram_sample_plan(self.num_examples, self.batch_size, int(np.prod(x.shape[1:])))
        chosen = np.sort(np.random.default_rng([seed, 1]).choice(self.num_examples, size, replace=False))
        self._sample_x, self._sample_y = tf.convert_to_tensor(x[chosen]), tf.convert_to_tensor(y[chosen])

    def _make_step(self, model: keras.Model, optimizer: keras.optimizers.Optimizer, jit_compile: bool) -> CompiledStep:
        return CompiledStep(
            model,
            optimizer,
            self.loss,
            batch_size=self.batch_size,
            accuracy=self.accuracy_kind,
            input_scale=self._scale,
            record_weights=self.record_weights,
            jit_compile=jit_compile,
        )

    def _step_key(self) -> str:
        return structure_key(
            self.model,
            self.optimizer,
            self.loss,
            self.batch_size,
            self.steps_per_call,
            self.accuracy_kind,
            self._scale,
            self.record_weights,
            [self._x.dtype.name, *self._x.shape[1:]],
            [self._y.dtype.name, *self._y.shape[1:]],
        )

    def _clone_model(self) -> keras.Model:
        """A model of this run's architecture, for a step that serves later runs too."""
        return keras.models.clone_model(self.model)

    def _gradient_step(self) -> CompiledStep:
        """A step kept for its gradient function only: a copy of this run's model (its weights
        overwritten before every use) and an unbuilt optimizer of the same kind, never stepped, so
        that it holds nothing of this run."""
        optimizer = type(self.optimizer).from_config(self.optimizer.get_config())
        return self._make_step(self._clone_model(), optimizer, jit_compile=False)

    def _compiled_step(self) -> CompiledStep:
        """A compiled step as fresh copies of this run's model and optimizer (the copies' weights
        are overwritten from the run's before every use)."""
        model = self._clone_model()
        optimizer = without_replica_all_reduce(type(self.optimizer).from_config(self.optimizer.get_config()))
        optimizer.build(model.trainable_variables)
        return self._make_step(model, optimizer, jit_compile=True)

    def precompile(self) -> bool:
        """Compiles this trainer's XLA step before any run needs it (a page starts it while the
        learner chooses settings; compiling took about a second of the first Lesson 2 run). The
        step joins `COMPILED_STEPS` for the runs that match it; nothing is trained. Returns
        whether a compiled step is ready."""
        if not self.jit_compile:
            return False
        key = self._step_key()
        step = COMPILED_STEPS.borrow(key, self._compiled_step, compiling=True)
        if step is None:
            return False
        try:
            sizes = tf.zeros([self.steps_per_call], tf.int32)
            x_batches, y_batches = self._gather(tf.zeros([self.steps_per_call * self.batch_size], tf.int32), sizes)
            step.loop(x_batches, y_batches, sizes, tf.constant(0))  # zero steps: compiled, nothing changed
        finally:
            COMPILED_STEPS.give_back(key, step)
        return True

    def _correct(self, y_true: tf.Tensor, y_pred: tf.Tensor) -> tf.Tensor:
        return self._own_step.correct(y_true, y_pred)

    def _evaluate_graph(self, x_batch: tf.Tensor, y_batch: tf.Tensor):
        """Summed loss and hits of one held-out batch, without training (as `fit` validates)."""
        if self._scale is not None:
            x_batch = tf.cast(x_batch, tf.float32) * self._scale
        y_pred = self.model(x_batch, training=False)
        loss = tf.reduce_sum(tf.cast(self._own_step.loss_fn(y_batch, y_pred), tf.float32))
        return loss, tf.reduce_sum(self._correct(y_batch, y_pred))

    def validate(self) -> tuple[float, float]:
        """Loss and accuracy on the validation data with the current weights."""
        if self._validation is None:
            raise ValueError("This trainer has no validation data.")
        x_val, y_val = self._validation
        count = int(x_val.shape[0])
        loss_sum = hit_sum = 0.0
        for start in range(0, count, self.batch_size):
            loss, hits = self._evaluate_batch(
                x_val[start : start + self.batch_size], y_val[start : start + self.batch_size]
            )
            loss_sum, hit_sum = loss_sum + float(loss), hit_sum + float(hits)
        return loss_sum / count, hit_sum / count

    def _gather(self, indices: tf.Tensor, sizes: tf.Tensor):
        """Gathers a chunk's batches ([steps, batch, ...]) outside the compiled loop, so XLA never
        sees (or copies) the whole training set (four eager operations: nothing to trace per run)."""
        steps, batch = sizes.shape[0], self.batch_size
        x_batches = tf.reshape(tf.gather(self._x, indices), [steps, batch, *self._x.shape[1:]])
        y_batches = tf.reshape(tf.gather(self._y, indices), [steps, batch, *self._y.shape[1:]])
        return x_batches, y_batches

    def run(
        self,
        history: TrainingHistory,
        *,
        on_progress: ProgressCallback | None = None,
        report_every_s: float = 0.5,
        cancelled: Callable[[], bool] | None = None,
    ) -> TrainingHistory:
        """Trains until `history.epochs_planned` epochs, a stop rule, a diverging loss, or until
        `cancelled()` (asked between compiled chunks) says a learner pressed Stop.

        `history` is updated after every chunk, so when `on_progress` raises (Streamlit stops a
        script that way) the caller still holds every completed epoch. Progress is reported at
        most every `report_every_s` seconds, and always at the end.
        """
        key = self._step_key() if self.jit_compile else ""
        borrowed = COMPILED_STEPS.borrow(key, self._compiled_step) if self.jit_compile else None
        self._step = borrowed or self._own_step
        if borrowed is not None:
            copy_variables(self.model.variables, borrowed.model.variables)
            copy_variables(self.optimizer.variables, borrowed.optimizer.variables)
        try:
            return self._run(history, on_progress, report_every_s, cancelled)
        finally:
            if borrowed is not None:
                copy_variables(borrowed.optimizer.variables, self.optimizer.variables)
                self._step = self._own_step
                COMPILED_STEPS.give_back(key, borrowed)

    def _run(
        self,
        history: TrainingHistory,
        on_progress: ProgressCallback | None,
        report_every_s: float,
        cancelled: Callable[[], bool] | None,
    ) -> TrainingHistory:
        started = time.perf_counter() - history.seconds
        reporter = ProgressReporter(on_progress, report_every_s, self.steps_per_epoch)
        tally = EpochTally()
        self._orders = [self._epoch_order()]  # Every run starts a fresh epoch with a fresh shuffle.
        if self.record_histograms and history.histograms is None:
            layers = tuple(
                weight_histograms.KernelLayer(type(layer).__name__, tuple(layer.kernel.shape))
                for layer in kernel_layers(self.model)
            )
            history.histograms = weight_histograms.WeightHistograms(layers, int(self._sample_x.shape[0]))
            self._record_histograms(history.histograms, epoch=0)
        while not history.finished:
            if cancelled is not None and cancelled():
                history.cancelled = True
                reporter.report(history, tally.steps)
                break
            count = self._chunk_length(history, tally.steps)
            plan = plan_batches(
                self._orders_for(tally.steps, count), tally.steps, count, self.steps_per_call, self.batch_size
            )
            losses, hits, snapshots = self._train_chunk(plan, count)
            for step in range(count):
                if not math.isfinite(float(losses[step])):
                    history.diverged_at = history.epochs_run + 1
                    break
                tally.add(float(losses[step]), float(hits[step]), int(plan.sizes[step]))
                if tally.steps == self.steps_per_epoch:
                    self._end_epoch(history, tally.loss, tally.accuracy, snapshots[step])
                    self._start_next_epoch()
                    tally = EpochTally()
                    if history.finished:
                        break
            history.seconds = time.perf_counter() - started
            reporter.report(history, tally.steps)
        history.seconds = time.perf_counter() - started
        return history

    def _chunk_length(self, history: TrainingHistory, step_in_epoch: int) -> int:
        """How many steps the next compiled call runs: a full chunk unless the run, or an epoch that
        a stop rule or validation must see the end of, finishes sooner."""
        steps_left = (history.epochs_planned - history.epochs_run) * self.steps_per_epoch - step_in_epoch
        count = min(self.steps_per_call, steps_left)
        if self.stop is not None or self._validation is not None or self.record_histograms:
            # The callback, validation and the histograms act at the end of an epoch, never past it.
            count = min(count, self.steps_per_epoch - step_in_epoch)
        return count

    def _orders_for(self, first_step: int, count: int) -> list[np.ndarray]:
        """The visiting orders a chunk needs, shuffling the epochs it reaches into only when it
        reaches them, so the random sequence does not depend on how training is chunked."""
        while len(self._orders) < epochs_spanned(first_step, count, self.steps_per_epoch):
            self._orders.append(self._epoch_order())
        return self._orders

    def _start_next_epoch(self) -> None:
        """Forgets the finished epoch's order; a new epoch starts with a new shuffle, as in model.fit."""
        self._orders.pop(0)
        if not self._orders:
            self._orders.append(self._epoch_order())

    def _train_chunk(self, plan: BatchPlan, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One compiled call, in this training's turn on the machine: the loss, hits and (if
        recorded) weights after each of `count` steps. A borrowed step's weights come back to
        the run's model after it, so validation, a stop or a cancel sees them."""
        sizes = tf.constant(plan.sizes)
        x_batches, y_batches = self._gather(tf.constant(plan.indices.ravel()), sizes)
        with threads.machine().turn():
            losses, hits, snapshots = self._step.loop(x_batches, y_batches, sizes, tf.constant(count))
            results = losses.numpy(), hits.numpy(), snapshots.numpy()
        if self._step is not self._own_step:
            copy_variables(self._step.model.variables, self.model.variables)
        return results

    def _epoch_order(self) -> np.ndarray:
        """The order in which one epoch visits the examples."""
        if self.shuffle:
            return self._rng.permutation(self.num_examples).astype(np.int32)
        return np.arange(self.num_examples, dtype=np.int32)

    def _end_epoch(
        self,
        history: TrainingHistory,
        loss: float,
        accuracy: float,
        snapshot: np.ndarray,
    ) -> None:
        history.loss.append(loss)
        if self.accuracy_kind:
            history.accuracy.append(accuracy)
        if self._validation is not None:
            val_loss, val_accuracy = self.validate()
            history.val_loss.append(val_loss)
            history.val_accuracy.append(val_accuracy)
        if self.record_weights:
            history.weights.append(snapshot.copy())
        if self.record_histograms and history.histograms is not None:
            self._record_histograms(history.histograms, epoch=history.epochs_run)
        if self.stop is not None and self.stop.reached(loss, accuracy if self.accuracy_kind else None):
            history.stopped_at_target = history.epochs_run
            history.stop_said = self.stop.stop_words(history.epochs_run)
            history.stop_message = str(history.stop_said)

    def _record_histograms(self, histograms: weight_histograms.WeightHistograms, epoch: int) -> None:
        """Adds one epoch's histograms: each kernel's weights as they are now, and the gradient of
        the mean training loss on the fixed sample with respect to them. The gradients are not the
        ones the optimizer applied during the epoch: computing and keeping those inside the
        compiled loop would slow every step, while one extra pass over a small fixed sample per
        epoch costs a few percent (`bench histograms`) and compares like with like across epochs.
        A borrowed XLA step computes them with its own traced function; a run without XLA borrows
        one traced for its architecture by an earlier run (`GRADIENT_STEPS`), its weights copied in."""
        if self._step is not self._own_step:
            total = self._sample_gradients(self._step)
        else:
            key = self._step_key()
            borrowed = GRADIENT_STEPS.borrow(key, self._gradient_step)
            try:
                if borrowed is not None:
                    copy_variables(self.model.variables, borrowed.model.variables)
                total = self._sample_gradients(borrowed or self._own_step)
            finally:
                if borrowed is not None:
                    GRADIENT_STEPS.give_back(key, borrowed)
        weights = [np.asarray(layer.kernel.value) for layer in kernel_layers(self.model)]
        histograms.add(epoch, weights, [gradient / histograms.sample_size for gradient in total])

    def _sample_gradients(self, step: CompiledStep) -> list[np.ndarray]:
        """The gradient of the summed loss on the fixed sample, piece by piece, per kernel."""
        total: list[np.ndarray] = []
        with threads.machine().turn():
            for start in range(0, int(self._sample_x.shape[0]), self._sample_piece):
                end = start + self._sample_piece
                arrays = [
                    gradient.numpy()
                    for gradient in step.kernel_gradients(self._sample_x[start:end], self._sample_y[start:end])
                ]
                total = arrays if not total else [sum_ + more for sum_, more in zip(total, arrays, strict=True)]
        return total
