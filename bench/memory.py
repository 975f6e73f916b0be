"""Memory over time: 30 train-and-predict cycles of Lessons 1-3 in one process, as a server runs them.

Each cycle fits Lesson 1's neuron and asks it for x = 7, then trains Lesson 2's dense network and
Lesson 3's CNN as jobs through the embedded runner (worker threads, as the server does), rebuilds
each trained model from its weights as the page does, and classifies a test image. Resident
memory (VmRSS) is read after every cycle. The target: after a warm-up of WARM_UP cycles it grows
by at most BOUND_MB. Small settings (a share of the images, one epoch) keep it to about a minute.

Run with `python -m bench memory`; the last line is the JSON result.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path

CYCLES = 30
WARM_UP = 5
BOUND_MB = 50.0


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def run(cycles: int = CYCLES) -> dict:
    from core.base import jobs
    from core.computer_vision import dense_network
    from core.convolutions import cnn
    from core.data import fashion_mnist
    from core.engine import image_classifier
    from core.hello_world import neuron

    data = fashion_mnist.load_fashion_mnist()
    runner = jobs.LocalJobRunner(slots=2, abandon_after_s=600)
    points = neuron.make_points(neuron.LineDataConfig())
    lessons = [
        ("computer_vision", dense_network.DenseNetConfig(epochs=1, train_fraction=0.1), dense_network),
        ("convolutions", cnn.CnnConfig(epochs=1, train_fraction=0.05), cnn),
    ]
    readings, started = [], time.perf_counter()
    for cycle in range(cycles):
        fit = neuron.fit_line(points, neuron.NeuronConfig(seed=cycle))
        assert 3.5 < fit.predict(7.0) < 4.5
        for key, config, lesson in lessons:
            job = jobs.TrainingJob(key, config, lesson.build_training, lesson.make_model, data=data)
            status = runner.wait(runner.submit("memory-bench", job), 300)
            assert status is not None and status.state is jobs.JobState.FINISHED, status
            model = lesson.make_model(config)
            model.set_weights(status.result.weights)
            probabilities = image_classifier.classify(model, data.test_images[cycle])
            assert abs(float(probabilities.sum()) - 1) < 1e-3
            runner.forget(status.job_id)
        gc.collect()
        readings.append(round(resident_mb(), 1))
    growth = readings[-1] - readings[WARM_UP - 1]
    return {
        "benchmark": "memory",
        "cycles": cycles,
        "warm_up": WARM_UP,
        "rss_mb": readings,
        "after_warm_up_mb": readings[WARM_UP - 1],
        "last_mb": readings[-1],
        "growth_after_warm_up_mb": round(growth, 1),
        "bound_mb": BOUND_MB,
        "seconds": round(time.perf_counter() - started, 1),
    }
