"""Lesson 1: stock `model.fit(xs, ys, epochs=1000)` against `core.hello_world.neuron.fit_line`.

Both sides start from the same initial weights (the same seeded initializer), train the course's
neuron on the course's six points with sgd at 0.01 for 1000 full-batch epochs, and are timed from
building the model to the trained weights, so the core time includes tracing its compiled loop.
Each side is warmed up once (TensorFlow's first call pays one-off set-up) and then timed
`repeats` times; the figures are medians. The neuron always trains in float32 (`precision`).
`--quick` (a smoke test, not figures to report) trains 200 epochs, once.
"""

from __future__ import annotations

import statistics
import time

import keras
import numpy as np

from core.hello_world import neuron as hello_world

EPOCHS = 1000
QUICK_EPOCHS = 200
QUERY_X = 7.0


def stock_fit(points: hello_world.Points, config: hello_world.NeuronConfig, epochs: int) -> float:
    """The course's code: compile, fit, predict x = 7. Returns the prediction."""
    xs, ys = points.arrays()
    model = hello_world.make_model(config.seed)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=config.learning_rate), loss="mean_squared_error")
    model.fit(xs, ys, epochs=epochs, verbose=0)
    return float(model.predict(np.array([[QUERY_X]], dtype=np.float32), verbose=0)[0, 0])


def run(repeats: int = 3, quick: bool = False) -> dict:
    epochs = QUICK_EPOCHS if quick else EPOCHS
    repeats = 1 if quick else repeats
    points = hello_world.make_points(hello_world.LineDataConfig())
    config = hello_world.NeuronConfig(optimizer="sgd", learning_rate=0.01, epochs=epochs, seed=0)

    stock_fit(points, config, epochs=5)
    hello_world.fit_line(points, hello_world.NeuronConfig(epochs=5))

    stock_times, core_times = [], []
    for repeat in range(repeats):
        started = time.perf_counter()
        stock_prediction = stock_fit(points, config, epochs)
        stock_times.append(time.perf_counter() - started)

        started = time.perf_counter()
        fit = hello_world.fit_line(points, config)
        core_times.append(time.perf_counter() - started)
        print(
            f"repeat {repeat + 1}/{repeats}: stock {stock_times[-1]:.2f} s, core {core_times[-1]:.3f} s, "
            f"predictions {stock_prediction:.5f} / {fit.predict(QUERY_X):.5f}",
            flush=True,
        )

    stock_s, core_s = statistics.median(stock_times), statistics.median(core_times)
    return {
        "benchmark": "hello_world",
        "quick": quick,
        "epochs": epochs,
        "repeats": repeats,
        "stock_s": round(stock_s, 4),
        "core_s": round(core_s, 4),
        "speedup": round(stock_s / core_s, 1),
        "prediction": round(fit.predict(QUERY_X), 5),
        "stock_prediction": round(stock_prediction, 5),
        "prediction_gap": round(abs(fit.predict(QUERY_X) - stock_prediction), 6),
        "precision": "float32",
        "stock_times_s": [round(value, 4) for value in stock_times],
        "core_times_s": [round(value, 4) for value in core_times],
    }
