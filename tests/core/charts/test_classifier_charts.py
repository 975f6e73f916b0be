"""The views of a trained classifier, checked against the numbers they are drawn from."""

from __future__ import annotations

import numpy as np

from core.base import language
from core.charts import classifier_charts

EN = language.words("en")

CLASS_NAMES = ("T-shirt", "Trouser", "Pullover")


def test_confusion_heatmap_shows_the_matrix_with_class_names_on_both_axes():
    confusion = np.array([[5, 1, 0], [0, 7, 2], [3, 0, 4]])
    figure = classifier_charts.confusion_heatmap(confusion, CLASS_NAMES, words=EN)
    heatmap = figure.data[0]
    np.testing.assert_array_equal(heatmap.z, confusion)
    assert list(heatmap.x) == list(heatmap.y) == list(CLASS_NAMES)
    assert figure.layout.yaxis.autorange == "reversed"  # the first true class on top, as the matrix reads
    assert figure.layout.xaxis.title.text == "predicted class" and figure.layout.yaxis.title.text == "true class"


def test_per_class_bars_put_the_hardest_class_first_with_its_name():
    accuracy = np.array([0.9, 0.5, 0.75])
    figure = classifier_charts.per_class_bars(accuracy, CLASS_NAMES, words=EN)
    bars = figure.data[0]
    np.testing.assert_array_equal(bars.x, [0.5, 0.75, 0.9])
    assert list(bars.y) == ["Trouser", "Pullover", "T-shirt"]
    assert list(bars.text) == ["50.0%", "75.0%", "90.0%"]
    assert bars.orientation == "h"


def test_probability_bars_colour_only_the_true_class_green():
    probabilities = np.array([0.1, 0.7, 0.2], dtype=np.float32)
    figure = classifier_charts.probability_bars(probabilities, CLASS_NAMES, true_label=2, words=EN)
    bars = figure.data[0]
    np.testing.assert_array_equal(bars.y, probabilities)
    assert list(bars.x) == list(CLASS_NAMES)
    assert list(bars.marker.color) == ["steelblue", "steelblue", "seagreen"]


def test_probability_bars_name_every_digit_on_their_axis():
    """MNIST's classes are "0" to "9": as numbers, plotly would tick only 0, 2, 4, 6, 8."""
    digits = [str(digit) for digit in range(10)]
    figure = classifier_charts.probability_bars(np.full(10, 0.1, np.float32), digits, true_label=3, words=EN)
    assert figure.layout.xaxis.type == "category" and list(figure.data[0].x) == digits
