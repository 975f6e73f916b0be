"""Lesson 1, "Hello, World": one neuron learns the rule y = w·x + b from data and answers.

Traditional programming turns rules and data into answers; machine learning turns data and
answers into rules. The course gives a single `Dense(units=1)` neuron six points of
y = 0.5x + 0.5, trains it with sgd and mean squared error for 1000 epochs, and asks it for x = 7.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import keras
import numpy as np

from core.base import language, layers
from core.engine import builder, code_export, training

MAX_EPOCHS = 5000
MAX_POINTS = 200


@dataclass(frozen=True)
class LineDataConfig:
    """The points the neuron learns from: y = slope·x + intercept (+ noise) at x = 1, 2, ..."""

    slope: float = 0.5  # The true rule's w.
    intercept: float = 0.5  # The true rule's b.
    num_points: int = 6  # The course uses xs = 1..6.
    noise: float = 0.0  # Standard deviation of Gaussian noise added to each y.
    seed: int = 0  # Seeds the noise, so the same settings give the same points.


@dataclass(frozen=True)
class NeuronConfig:
    """How the single neuron is trained; the same object builds the model, keys the cache,
    labels the run and writes the shown code."""

    optimizer: str = "sgd"  # The course's choice: plain stochastic gradient descent.
    learning_rate: float = 0.01  # Keras's default for sgd.
    epochs: int = 1000  # The course trains for 1000 epochs.
    seed: int = 0  # Seeds the initial weight, so a run can be reproduced exactly.

    def __post_init__(self) -> None:
        if self.optimizer not in training.OPTIMIZERS:
            raise language.LearnerError("hello_world.errors.unknown_optimizer", optimizer=self.optimizer)
        if not (math.isfinite(self.learning_rate) and 0 < self.learning_rate <= 10):
            raise language.LearnerError("hello_world.errors.learning_rate")
        if not 1 <= self.epochs <= MAX_EPOCHS:
            raise language.LearnerError("hello_world.errors.epochs", max_epochs=MAX_EPOCHS)


@dataclass(frozen=True)
class Points:
    """The training data as plain tuples, so it can key a cache and be printed into code."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return (
            np.array(self.xs, dtype=np.float32).reshape(-1, 1),
            np.array(self.ys, dtype=np.float32).reshape(-1, 1),
        )


def make_points(config: LineDataConfig) -> Points:
    """The course's data by default: xs = 1..6 and ys = 0.5·xs + 0.5, optionally noisy."""
    if not 2 <= config.num_points <= MAX_POINTS:
        raise language.LearnerError("hello_world.errors.points_range", max_points=MAX_POINTS)
    xs = np.arange(1, config.num_points + 1, dtype=np.float64)
    ys = config.slope * xs + config.intercept
    if config.noise > 0:
        ys = ys + np.random.default_rng(config.seed).normal(0.0, config.noise, size=xs.shape)
    return Points(tuple(round(float(x), 4) for x in xs), tuple(round(float(y), 4) for y in ys))


def parse_points(rows: list[dict]) -> Points:
    """Reads points a learner typed into a table of {"x": ..., "y": ...} rows.

    Fully empty rows are ignored (a table editor adds them); anything else that is not a finite
    number raises a `LearnerError` (a ValueError) naming the row and column, so the page can say
    what to fix in the learner's language.
    """
    xs: list[float] = []
    ys: list[float] = []
    for number, row in enumerate(rows, start=1):
        cells = {column: row.get(column) for column in ("x", "y")}
        if all(_is_blank(value) for value in cells.values()):
            continue
        for column, value in cells.items():
            if _is_blank(value):
                raise language.LearnerError("hello_world.errors.empty_cell", row=number, column=column)
            try:
                number_value = float(str(value).strip())
            except ValueError:
                raise language.LearnerError(
                    "hello_world.errors.not_a_number", row=number, column=column, value=value
                ) from None
            if not math.isfinite(number_value) or abs(number_value) > 1e6:
                raise language.LearnerError("hello_world.errors.out_of_range", row=number, column=column, value=value)
            (xs if column == "x" else ys).append(number_value)
        if len(xs) > MAX_POINTS:  # stop reading as soon as there are too many
            raise language.LearnerError("hello_world.errors.too_many_points", max_points=MAX_POINTS)
    if len(xs) < 2:
        raise language.LearnerError("hello_world.errors.too_few_points")
    if len(xs) > MAX_POINTS:
        raise language.LearnerError("hello_world.errors.too_many_points", max_points=MAX_POINTS)
    if len(set(xs)) < 2:
        raise language.LearnerError("hello_world.errors.same_x")
    return Points(tuple(xs), tuple(ys))


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def network(seed: int = 0) -> layers.Network:
    """The course's model, described once: one Dense unit on one input, y = w·x + b. The seeded
    starting weight makes a run reproducible without touching global random state (several
    learners share a server)."""
    return layers.Network(input_shape=(1,), layers=(layers.Dense(1, seed=seed),))


def make_model(seed: int = 0) -> keras.Model:
    """The neuron as the Keras model the dashboard trains."""
    return builder.build(network(seed))


def make_script(points: Points, config: NeuronConfig, query_x: float = 7.0, *, words: language.Words) -> str:
    """ "Show the code": the course's neuron as a plain Keras script with the learner's data and
    settings, its comments in the learner's language. Its model is written out from the description
    `make_model` builds; a test builds both and compares them."""
    model = code_export.model_source(network(config.seed))
    optimizer = code_export.optimizer_expression(config.optimizer, config.learning_rate)
    return f'''"""{words("hello_world.script.docstring")}

{words("hello_world.script.generated")}
"""
import numpy as np
import keras

# {words("hello_world.script.data")}
xs = np.array({code_export.number_list(points.xs)}, dtype=np.float32)
ys = np.array({code_export.number_list(points.ys)}, dtype=np.float32)

# {words("hello_world.script.model")}
{model}optimizer = {optimizer}
model.compile(optimizer=optimizer, loss="mean_squared_error")
history = model.fit(xs, ys, epochs={config.epochs}, verbose=0)

weight, bias = (float(v.numpy().ravel()[0]) for v in model.weights)
print(f"final loss: {{history.history['loss'][-1]:.6g}}")
print(f"learned w = {{weight:.4f}}, b = {{bias:.4f}}")
# {words("hello_world.script.predict")}
prediction = model.predict(np.array([{query_x!r}], dtype=np.float32), verbose=0)
print(f"prediction for x = {query_x:g}: {{float(prediction[0, 0]):.4f}}")
'''


@dataclass(frozen=True)
class LineFit:
    """A finished run: the learned rule, the path it took, and how the run ended."""

    points: Points
    config: NeuronConfig
    loss: np.ndarray  # mean squared error per epoch (before that epoch's update, as fit reports)
    weights: np.ndarray  # learned w after each epoch
    biases: np.ndarray  # learned b after each epoch
    initial_weight: float
    initial_bias: float
    seconds: float
    diverged_at: int | None  # 1-based epoch at which the loss stopped being a finite number

    @property
    def weight(self) -> float:
        return float(self.weights[-1]) if len(self.weights) else self.initial_weight

    @property
    def bias(self) -> float:
        return float(self.biases[-1]) if len(self.biases) else self.initial_bias

    @property
    def final_loss(self) -> float:
        return float(self.loss[-1]) if len(self.loss) else math.nan

    def predict(self, x: float) -> float:
        """What the neuron answers for x: Dense(1) computes exactly w·x + b."""
        return self.weight * x + self.bias


def fit_line(points: Points, config: NeuronConfig) -> LineFit:
    """Trains the course's neuron on the points with full-batch steps, like `model.fit` with
    six points and its default batch of 32, and records the weight and bias after every epoch."""
    xs, ys = points.arrays()
    model = make_model(config.seed)
    initial_weight, initial_bias = (float(v.numpy().ravel()[0]) for v in model.weights)
    trainer = training.Trainer(
        model,
        training.make_optimizer(config.optimizer, config.learning_rate),
        "mean_squared_error",
        xs,
        ys,
        record_weights=True,
        steps_per_call=config.epochs,  # the whole run in one compiled call
        seed=config.seed,
    )
    history = trainer.run(training.TrainingHistory(epochs_planned=config.epochs))
    snapshots = np.array(history.weights, dtype=np.float64).reshape(-1, 2)
    return LineFit(
        points=points,
        config=config,
        loss=np.array(history.loss, dtype=np.float64),
        weights=snapshots[:, 0],
        biases=snapshots[:, 1],
        initial_weight=initial_weight,
        initial_bias=initial_bias,
        seconds=history.seconds,
        diverged_at=history.diverged_at,
    )


@dataclass(frozen=True)
class ShownFit:
    """What the lesson's page shows until the next Train: the fit, the x it was asked about, and
    the rule the points came from (None for the learner's own points, compared with the best fit)."""

    fit: LineFit
    query_x: float
    true_rule: tuple[float, float] | None


def least_squares(points: Points) -> tuple[float, float]:
    """The exact best line for the points (the loss surface's minimum), for reference."""
    slope, intercept = np.polyfit(np.array(points.xs), np.array(points.ys), deg=1)
    return float(slope), float(intercept)


def loss_surface(
    points: Points, weight_range: tuple[float, float], bias_range: tuple[float, float], resolution: int = 80
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean squared error for every (w, b) on a grid: the landscape gradient descent walks on."""
    weights = np.linspace(*weight_range, resolution)
    biases = np.linspace(*bias_range, resolution)
    xs, ys = (np.array(values)[:, None, None] for values in (points.xs, points.ys))
    predictions = weights[None, None, :] * xs + biases[None, :, None]
    return weights, biases, np.mean((predictions - ys) ** 2, axis=0)


def readable(value: float) -> str:
    """A number short enough for a metric card: 4 decimals normally, 3 significant digits when huge."""
    return f"{value:.4f}" if abs(value) < 1e4 else f"{value:.3g}"


def epoch_count(count: int, *, words: language.Words) -> str:
    """ "1 epoch", "1000 epochs": a number of epochs as the learner's language says it."""
    return words("hello_world.units.epochs_one" if count == 1 else "hello_world.units.epochs_other", count=count)


def explain_prediction(fit: LineFit, x: float, *, words: language.Words) -> str:
    """Why the answer is close to, but not exactly, what the best line gives, or why it is far."""
    if fit.diverged_at is not None:
        return words("hello_world.explain.diverged")
    best_slope, best_intercept = least_squares(fit.points)
    exact = best_slope * x + best_intercept
    answer = words("hello_world.explain.answer", predicted=fit.predict(x), exact=exact)
    far_off = abs(fit.predict(x) - exact) > 0.05 * max(1.0, abs(exact))
    return words(
        "hello_world.explain.far_off" if far_off else "hello_world.explain.close",
        answer=answer,
        epoch_count=epoch_count(len(fit.loss), words=words),
        learning_rate=fit.config.learning_rate,
        examples=len(fit.points.xs),
        w=fit.weight,
        b=fit.bias,
        best_w=best_slope,
        best_b=best_intercept,
    )


def divergence_advice(fit: LineFit, *, words: language.Words) -> str | None:
    """A lesson, not a crash: what happened when the loss exploded and what to try."""
    if fit.diverged_at is None:
        return None
    return words(
        "hello_world.explain.divergence",
        epoch=fit.diverged_at,
        learning_rate=fit.config.learning_rate,
        optimizer=fit.config.optimizer,
        smaller=fit.config.learning_rate / 10,
    )
