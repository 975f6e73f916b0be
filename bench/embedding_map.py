"""Lessons 2 and 3: what the map of the held-out images costs, before and after training.

For the course's dense network (Lesson 2) and CNN (Lesson 3) at the lessons' default settings,
each trained briefly (1 epoch on 10,000 training images, so the map has classes to pull apart),
times what the results' "Map" tab does for 2,000 Fashion-MNIST test images (a seeded,
class-stratified sample): the last hidden layer's vectors of the trained network and of the same
network with its starting weights, each map's projection, and the plotly figure of both, built
and serialised to JSON as Streamlit sends it. The first call (which builds the probes) is timed
apart from the median of `repeats` later calls; each call makes the starting network again, as
a new run does. t-SNE is timed once. Target: PCA within 2 s on two cores.

`python -m bench embedding_map`; `--quick` maps 500 images once (a smoke test, not figures to report).
"""

from __future__ import annotations

import dataclasses
import statistics
import time

from core.base import language
from core.charts import embedding_charts
from core.computer_vision import dense_network, pixels
from core.convolutions import cnn
from core.data import fashion_mnist
from core.engine import embedding_map, image_classifier, training

POINTS, QUICK_POINTS = 2_000, 500
TRAIN_IMAGES, EPOCHS = 10_000, 1
TARGET_S = 2.0


def trained(make_model, make_trainer, config, data: fashion_mnist.FashionMNIST):
    """The lesson's network after a short training on the first TRAIN_IMAGES training images."""
    config = dataclasses.replace(config, epochs=EPOCHS)
    model = make_model(config)
    trainer = make_trainer(config, model, data.train_images[:TRAIN_IMAGES], data.train_labels[:TRAIN_IMAGES])
    trainer.run(training.TrainingHistory(config.epochs))
    return model, config


def mapped_and_drawn(model, held_out, config, method: str, points: int) -> tuple[float, embedding_map.BeforeAndAfter]:
    """Seconds for both maps and their figure, as the page makes them."""
    words = language.words("en")
    started = time.perf_counter()
    maps = embedding_map.before_and_after(model, held_out, config.input_scale, method, config.seed, most=points)
    figure = embedding_charts.before_and_after_chart(
        maps.before, maps.after, pixels.class_names(words=words), words=words
    )
    figure.to_json()
    return time.perf_counter() - started, maps


def measure(name: str, model, config, held_out, points: int, repeats: int) -> dict:
    cold, maps = mapped_and_drawn(model, held_out, config, "pca", points)
    warm = [mapped_and_drawn(model, held_out, config, "pca", points)[0] for _ in range(repeats)]
    tsne_s, tsne_maps = mapped_and_drawn(model, held_out, config, "tsne", points)
    figures = {
        f"{name}_pca_first_s": round(cold, 3),
        f"{name}_pca_s": round(statistics.median(warm), 3),
        f"{name}_pca_times_s": [round(seconds, 3) for seconds in warm],
        f"{name}_tsne_s": round(tsne_s, 2),
    }
    for method, result in (("pca", maps), ("tsne", tsne_maps)):
        for side in ("before", "after"):
            mapped = getattr(result, side)
            figures[f"{name}_{method}_sorted_{side}"] = round(
                embedding_map.nearest_centre_accuracy(mapped.points, mapped.labels), 3
            )
    print(f"{name}: {figures}", flush=True)
    return figures


def run(repeats: int = 3, quick: bool = False) -> dict:
    data = fashion_mnist.load_fashion_mnist()
    points = QUICK_POINTS if quick else POINTS
    repeats = 1 if quick else repeats
    held_out = image_classifier.HeldOut(data.test_images, data.test_labels)
    result: dict = {"benchmark": "embedding_map", "quick": quick, "points": points, "target_s": TARGET_S}
    lessons = {
        "dense": (dense_network.make_model, dense_network.make_trainer, dense_network.DenseNetConfig()),
        "cnn": (cnn.make_model, cnn.make_trainer, cnn.CnnConfig()),
    }
    for name, (make_model, make_trainer, config) in lessons.items():
        model, config = trained(make_model, make_trainer, config, data)
        result[f"{name}_precision"] = "bfloat16" if getattr(config, "bfloat16", False) else "float32"
        result |= measure(name, model, config, held_out, points, repeats)
    result["within_target"] = all(result[f"{name}_pca_s"] <= TARGET_S for name in lessons)
    return result
