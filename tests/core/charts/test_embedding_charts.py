"""The map before and after training, checked against the points it is drawn from: a trace per
class in each map, every point once with its held-out index, the mistakes ringed, stars for the
learner's own images and the axes named in the learner's language."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.base import language
from core.charts import embedding_charts

EN, KO = language.words("en"), language.words("ko")
CLASS_NAMES = ("T-shirt", "Trouser", "<b>Bag</b>")


@dataclass(frozen=True)
class FakeMap:
    method: str
    points: np.ndarray
    labels: np.ndarray
    predictions: np.ndarray
    indices: np.ndarray
    explained: tuple[float, float] | None


def fake_map(method: str = "pca", seed: int = 0, count: int = 30) -> FakeMap:
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 3
    predictions = labels.copy()
    predictions[:4] = (labels[:4] + 1) % 3  # four mistakes
    explained = (0.5, 0.25) if method == "pca" else None
    return FakeMap(method, rng.normal(size=(count, 2)), labels, predictions, np.arange(count) * 7, explained)


def class_traces(figure, column: int) -> list:
    axis = "x" if column == 1 else "x2"
    return [trace for trace in figure.data if trace.xaxis == axis and trace.customdata is not None]


def test_each_map_has_a_trace_per_class_holding_every_point_once_with_its_index():
    before, after = fake_map(seed=1), fake_map(seed=2)
    figure = embedding_charts.before_and_after_chart(before, after, CLASS_NAMES, words=EN)
    for column, mapped in ((1, before), (2, after)):
        traces = class_traces(figure, column)
        assert len(traces) == 3
        assert sum(len(trace.x) for trace in traces) == len(mapped.labels)
        shown = np.sort(np.concatenate([trace.customdata for trace in traces]))
        np.testing.assert_array_equal(shown, np.sort(mapped.indices))
        for label, trace in enumerate(traces):
            members = mapped.labels == label
            np.testing.assert_allclose(trace.x, mapped.points[members, 0])
            np.testing.assert_allclose(trace.y, mapped.points[members, 1])
            ringed = np.asarray(trace.marker.line.width) > 0
            np.testing.assert_array_equal(ringed, mapped.predictions[members] != label)
    legend = [trace.name for trace in figure.data if trace.showlegend is not False]
    assert legend == ["T-shirt", "Trouser", "&lt;b&gt;Bag&lt;/b&gt;", "ringed: the network's answer is wrong"]
    assert len({trace.marker.color for trace in class_traces(figure, 1)}) == 3  # a colour per class


def test_hover_names_the_image_its_class_and_the_networks_answer():
    mapped = fake_map()
    figure = embedding_charts.before_and_after_chart(mapped, mapped, CLASS_NAMES, words=EN)
    first = class_traces(figure, 1)[0]  # class 0; image 0 was said to be class 1
    assert first.text[0] == "image 0: T-shirt<br>the network says Trouser"
    assert first.hovertemplate == embedding_charts.HOVER


def test_axes_are_pcas_with_their_share_or_t_snes_in_the_learners_language():
    figure = embedding_charts.before_and_after_chart(fake_map(), fake_map("tsne"), CLASS_NAMES, words=EN)
    assert figure.layout.xaxis.title.text == "axis 1 (50% of the spread)"
    assert figure.layout.yaxis.title.text == "axis 2 (25% of the spread)"
    assert figure.layout.xaxis2.title.text == "t-SNE axis 1"
    titles = [annotation.text for annotation in figure.layout.annotations]
    assert titles == ["Before training: the starting weights", "After training"]
    korean = embedding_charts.before_and_after_chart(fake_map(), fake_map(), CLASS_NAMES, words=KO)
    assert [annotation.text for annotation in korean.layout.annotations] == ["훈련 전: 처음 가중치", "훈련 후"]
    assert korean.layout.xaxis.title.text == "축 1(퍼진 정도의 50%)"


def test_the_learners_own_images_are_stars_on_the_trained_map():
    own = embedding_charts.OwnImages(
        np.array([[0.5, 1.0], [2.0, -1.0]]), ("me.png", "<i>cat</i>.jpg"), np.array([2, 0])
    )
    figure = embedding_charts.before_and_after_chart(fake_map(), fake_map(), CLASS_NAMES, own, words=EN)
    stars = [trace for trace in figure.data if trace.marker.symbol == "star"]
    assert len(stars) == 1 and stars[0].xaxis == "x2" and stars[0].name == "your own images"
    np.testing.assert_allclose(stars[0].x, [0.5, 2.0])
    assert list(stars[0].text) == [
        "me.png<br>the network says &lt;b&gt;Bag&lt;/b&gt;",
        "&lt;i&gt;cat&lt;/i&gt;.jpg<br>the network says T-shirt",
    ]
    without = embedding_charts.before_and_after_chart(fake_map(), fake_map(), CLASS_NAMES, words=EN)
    assert len(figure.data) == len(without.data) + 1


def test_more_than_ten_classes_get_colours_of_their_own():
    assert len(set(embedding_charts.class_colours(10))) == 10
    assert len(set(embedding_charts.class_colours(20))) == 20
