"""Lesson 1, "Hello, World": one neuron learns the rule y = w·x + b from data and answers.

Traditional programming turns rules and data into answers; machine learning turns data and
answers into rules. The course gives a single `Dense(units=1)` neuron six points of
y = 0.5x + 0.5, trains it with sgd and mean squared error for 1000 epochs, and asks it for x = 7.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

import keras
import numpy as np

from core.engine import code_export, training

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
            raise ValueError(f"Unknown optimizer {self.optimizer!r}.")
        if not (math.isfinite(self.learning_rate) and 0 < self.learning_rate <= 10):
            raise ValueError("The learning rate must be a number above 0 and at most 10.")
        if not 1 <= self.epochs <= MAX_EPOCHS:
            raise ValueError(f"Epochs must be between 1 and {MAX_EPOCHS}.")


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
        raise ValueError(f"Use between 2 and {MAX_POINTS} points.")
    xs = np.arange(1, config.num_points + 1, dtype=np.float64)
    ys = config.slope * xs + config.intercept
    if config.noise > 0:
        ys = ys + np.random.default_rng(config.seed).normal(0.0, config.noise, size=xs.shape)
    return Points(tuple(round(float(x), 4) for x in xs), tuple(round(float(y), 4) for y in ys))


def parse_points(rows: list[dict]) -> Points:
    """Reads points a learner typed into a table of {"x": ..., "y": ...} rows.

    Fully empty rows are ignored (a table editor adds them); anything else that is not a finite
    number raises ValueError naming the row and column, so the page can say what to fix.
    """
    xs: list[float] = []
    ys: list[float] = []
    for number, row in enumerate(rows, start=1):
        cells = {column: row.get(column) for column in ("x", "y")}
        if all(_is_blank(value) for value in cells.values()):
            continue
        for column, value in cells.items():
            if _is_blank(value):
                raise ValueError(f"Row {number}: the {column} cell is empty. Type a number or delete the row.")
            try:
                number_value = float(str(value).strip())
            except ValueError:
                raise ValueError(f"Row {number}: {column} = {value!r} is not a number.") from None
            if not math.isfinite(number_value) or abs(number_value) > 1e6:
                raise ValueError(f"Row {number}: {column} = {value!r} must be a finite number within ±1,000,000.")
            (xs if column == "x" else ys).append(number_value)
        if len(xs) > MAX_POINTS:  # stop reading as soon as there are too many
            raise ValueError(f"Use at most {MAX_POINTS} points.")
    if len(xs) < 2:
        raise ValueError("Type at least two points: one point cannot define a line.")
    if len(xs) > MAX_POINTS:
        raise ValueError(f"Use at most {MAX_POINTS} points.")
    if len(set(xs)) < 2:
        raise ValueError("All points share the same x, so no slope can be learned. Give two different x values.")
    return Points(tuple(xs), tuple(ys))


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def make_model(seed: int = 0) -> keras.Model:
    """The course's model: one Dense unit on one input. The seeded initializer makes the starting
    weight reproducible without touching global random state (several learners share a server)."""
    return keras.Sequential(
        [
            keras.Input(shape=(1,)),
            keras.layers.Dense(units=1, kernel_initializer=keras.initializers.GlorotUniform(seed=seed)),
        ]
    )


def make_script(points: Points, config: NeuronConfig, query_x: float = 7.0) -> str:
    """ "Show the code": the course's neuron as a plain Keras script with the learner's data and
    settings. Its model is `make_model`'s, written out; a test builds both and compares them."""
    return textwrap.dedent(
        f'''\
        """Lesson 1, Hello World: one neuron learns y = w*x + b from examples.

        Generated by the TensorFlow first steps dashboard. Run it with: python hello_world.py
        """
        import numpy as np
        import keras

        # The data and answers; the neuron has to find the rule.
        xs = np.array({code_export.number_list(points.xs)}, dtype=np.float32)
        ys = np.array({code_export.number_list(points.ys)}, dtype=np.float32)

        # One Dense unit: y = w*x + b. The seeded initializer makes the starting w reproducible.
        model = keras.Sequential([
            keras.Input(shape=(1,)),
            keras.layers.Dense(units=1, kernel_initializer=keras.initializers.GlorotUniform(seed={config.seed})),
        ])
        optimizer = {code_export.optimizer_expression(config.optimizer, config.learning_rate)}
        model.compile(optimizer=optimizer, loss="mean_squared_error")
        history = model.fit(xs, ys, epochs={config.epochs}, verbose=0)

        weight, bias = (float(v.numpy().ravel()[0]) for v in model.weights)
        print(f"final loss: {{history.history['loss'][-1]:.6g}}")
        print(f"learned w = {{weight:.4f}}, b = {{bias:.4f}}")
        # predict takes an array, not a list.
        prediction = model.predict(np.array([{query_x!r}], dtype=np.float32), verbose=0)
        print(f"prediction for x = {query_x:g}: {{float(prediction[0, 0]):.4f}}")
        '''
    )


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


def explain_prediction(fit: LineFit, x: float) -> str:
    """Why the answer is close to, but not exactly, what the best line gives, or why it is far."""
    if fit.diverged_at is not None:
        return "Training diverged, so this prediction is meaningless."
    best_slope, best_intercept = least_squares(fit.points)
    exact = best_slope * x + best_intercept
    epochs = f"{len(fit.loss)} epoch{'s' if len(fit.loss) != 1 else ''}"
    answer = f"The neuron answers {fit.predict(x):.4f}; the best straight line through these points gives {exact:.4f}."
    if abs(fit.predict(x) - exact) > 0.05 * max(1.0, abs(exact)):
        return (
            f"{answer} That is still far off: after only {epochs} with learning rate "
            f"{fit.config.learning_rate:g}, w = {fit.weight:.4f} and b = {fit.bias:.4f} have not yet reached "
            f"{best_slope:.4f} and {best_intercept:.4f}. Train for more epochs or try a larger learning rate."
        )
    return (
        f"{answer} It is close but not exact because the network never sees the rule: it only has "
        f"{len(fit.points.xs)} examples and stops after {epochs} of small steps, so w = {fit.weight:.4f} and "
        f"b = {fit.bias:.4f} are still approaching {best_slope:.4f} and {best_intercept:.4f}. Neural networks "
        f"deal in probabilities, not certainties."
    )


def divergence_advice(fit: LineFit) -> str | None:
    """A lesson, not a crash: what happened when the loss exploded and what to try."""
    if fit.diverged_at is None:
        return None
    return (
        f"The loss exploded to infinity or NaN at epoch {fit.diverged_at}: with learning rate "
        f"{fit.config.learning_rate:g}, each {fit.config.optimizer} step overshoots the minimum by more "
        f"than the last, so w and b grow without bound. Try a learning rate about ten times smaller "
        f"(for example {fit.config.learning_rate / 10:g})."
    )
