"""Week 1's graded exercise, "House prices": one neuron learns what a house costs.

A house costs 50k plus 50k per bedroom: 1 bedroom 100k, 2 bedrooms 150k, ... The course asks for
one `Dense(1)` neuron trained with SGD and mean squared error on six houses, prices written in
hundreds of thousands (1.0 to 3.5), and grades the predictions for 7 and 10 bedrooms. Prices in
plain dollars are the trap: the gradients become huge and SGD diverges.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from core.base import exercises, language, layers
from core.engine import builder, training

KEY = "week1_house_prices"
WEEK = 1
EXERCISE = exercises.assignment(KEY, WEEK, "hello_world")
QUESTIONS = {7: 4.0, 10: 5.5}  # bedrooms: the right price in hundreds of thousands
TOLERANCE = 0.25
LOSSES = ("mean_squared_error", "mean_absolute_error")


@dataclass(frozen=True)
class HousePricesConfig:
    """What the learner chooses; the app builds, trains and grades from it."""

    scale_prices: bool = True  # prices in hundreds of thousands (1.0 to 3.5), not in dollars
    hidden_units: int = 0  # 0: the single neuron; more adds a hidden Dense layer before it
    optimizer: str = "sgd"
    loss: str = "mean_squared_error"
    learning_rate: float = 0.01
    epochs: int = 500
    seed: int = 0

    def __post_init__(self) -> None:
        if self.optimizer not in training.OPTIMIZERS:
            raise language.LearnerError("hello_world.errors.unknown_optimizer", optimizer=self.optimizer)
        if self.loss not in LOSSES:
            raise language.LearnerError("hello_world.errors.unknown_loss", loss=self.loss)
        if not 0 <= self.hidden_units <= 64:
            raise language.LearnerError("hello_world.errors.hidden_units")
        if not (0 < self.learning_rate <= 1) or not 1 <= self.epochs <= 2000:
            raise language.LearnerError("hello_world.errors.exercise_settings")


def house_prices(scale_prices: bool) -> tuple[np.ndarray, np.ndarray]:
    """Bedrooms 1 to 6 and their prices: 0.5 + 0.5 per bedroom in hundreds of thousands, or in dollars."""
    bedrooms = np.arange(1, 7, dtype=np.float32)
    prices = 0.5 + 0.5 * bedrooms
    return bedrooms, prices if scale_prices else prices * 100_000


def network(config: HousePricesConfig) -> layers.Network:
    """The learner's model: the single neuron, or a hidden relu layer before it."""
    hidden = (layers.Dense(config.hidden_units, activation="relu", seed=config.seed),) if config.hidden_units else ()
    return layers.Network(input_shape=(1,), layers=(*hidden, layers.Dense(1, seed=config.seed + 1)))


def make_model(config: HousePricesConfig) -> keras.Model:
    """The learner's model as the Keras model the app trains and grades."""
    return builder.build(network(config))


@dataclass(frozen=True)
class HousePricesRun:
    config: HousePricesConfig
    model: keras.Model
    history: training.TrainingHistory
    predictions: dict[int, float]  # bedrooms: the model's answer, in the units it was trained in


def train(config: HousePricesConfig) -> HousePricesRun:
    """Builds and trains the learner's model on the six houses (full batch, the shared trainer)."""
    bedrooms, prices = house_prices(config.scale_prices)
    model = make_model(config)
    trainer = training.Trainer(
        model,
        training.make_optimizer(config.optimizer, config.learning_rate),
        config.loss,
        bedrooms[:, None],
        prices[:, None],
        steps_per_call=config.epochs,
        seed=config.seed,
    )
    history = trainer.run(training.TrainingHistory(config.epochs))
    answers = np.asarray(model(np.array([[float(x)] for x in QUESTIONS], np.float32))).ravel()
    return HousePricesRun(config, model, history, dict(zip(QUESTIONS, (float(a) for a in answers), strict=True)))


def grade_house_prices(run: HousePricesRun, *, words: language.Words) -> exercises.Grade:
    """The grader's checks: the model's shape, its optimizer and loss, and the two predictions,
    named and hinted in the learner's language."""
    model, config = run.model, run.config
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    one_neuron = len(dense) == 1 and dense[0].units == 1
    checks = [
        exercises.input_shape_check(model, (1,)),
        exercises.Check(
            words("hello_world.exercise.checks.one_neuron"),
            one_neuron,
            " + ".join(f"Dense({layer.units})" for layer in dense),
            "" if one_neuron else words("hello_world.exercise.checks.one_neuron_hint"),
        ),
        exercises.Check(
            words("hello_world.exercise.checks.optimizer"),
            config.optimizer == "sgd",
            config.optimizer,
            "" if config.optimizer == "sgd" else words("hello_world.exercise.checks.optimizer_hint"),
        ),
        exercises.Check(
            words("hello_world.exercise.checks.loss"),
            config.loss == "mean_squared_error",
            config.loss,
            "" if config.loss == "mean_squared_error" else words("hello_world.exercise.checks.loss_hint"),
        ),
    ]
    for bedrooms, expected in QUESTIONS.items():
        answer = run.predictions[bedrooms]
        close = bool(np.isfinite(answer)) and abs(answer - expected) <= TOLERANCE
        if close:
            hint = ""
        elif not np.isfinite(answer) or abs(answer) > 1000:
            hint = words("hello_world.exercise.checks.far_off_hint")
        else:
            hint = words("hello_world.exercise.checks.close_hint")
        checks.append(
            exercises.Check(
                words(
                    "hello_world.exercise.checks.prediction", bedrooms=bedrooms, tolerance=TOLERANCE, expected=expected
                ),
                close,
                f"{answer:.4f}" if np.isfinite(answer) else words("hello_world.exercise.checks.not_a_number"),
                hint,
            )
        )
    settings = {
        "scale_prices": config.scale_prices,
        "hidden_units": config.hidden_units,
        "optimizer": config.optimizer,
        "loss": config.loss,
        "learning_rate": config.learning_rate,
        "epochs": config.epochs,
    }
    return exercises.grade(EXERCISE, checks, settings)
