"""The map of how a trained network arranges the held-out images, before and after training
(Lessons 2, 3 and 4): drawn only where the learner opens it, and made once per run and method."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import streamlit as st

from core.base import course, language, text
from core.charts import embedding_charts
from core.engine import embedding_map, image_classifier
from ui import i18n, session


def maps_of(lesson: course.Lesson, run: image_classifier.TrainedRun, method: str) -> embedding_map.BeforeAndAfter:
    """The run's maps, kept in the learner's session (`session.KeptMaps`) so that a click on a
    point or a switch back to PCA does not make them again."""
    state = session.track(lesson.track)
    if state.maps is None or state.maps.run is not run:
        state.maps = session.KeptMaps(run)  # the previous run's go with it
    kept = state.maps.by_method.get(method)
    if kept is None:
        with st.spinner(i18n.t(f"ui.embedding_map.spinner.{method}")):
            kept = embedding_map.before_and_after(
                run.model, run.held_out, run.config.input_scale, method, seed=run.config.seed
            )
        state.maps.by_method[method] = kept
    return kept


def clicked_index(event: object) -> int | None:
    """The held-out index of the point the learner clicked (its customdata), if they clicked one."""
    points = getattr(getattr(event, "selection", None), "points", None) or []
    for point in points:
        value = point.get("customdata")
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        if value is not None:
            return int(value)
    return None


def embedding_map_ui(
    lesson: course.Lesson,
    run: image_classifier.TrainedRun,
    class_names: Sequence[str],
    place: str = "results",
    own_images: np.ndarray | None = None,
    own_names: Sequence[str] = (),
    fashion_mnist: bool = False,
) -> None:
    """PCA or t-SNE, the two maps side by side with the learner's own images as stars, how well a
    nearest class centre sorts each, and the held-out image the learner clicked. `place` names
    where on the page it is ("results", Lesson 4's "photos"); `fashion_mnist` adds what to look
    for among its classes."""
    words = i18n.words()
    method = st.segmented_control(
        words("ui.embedding_map.method"),
        embedding_map.METHODS,
        default="pca",
        required=True,
        format_func=lambda name: words(f"ui.embedding_map.methods.{name}"),
        key=session.map_method_key(lesson, place),
    )
    try:
        maps = maps_of(lesson, run, method or "pca")
    except language.LearnerError as problem:  # too few held-out images for t-SNE
        st.warning(words.say(problem.message), icon=":material/scatter_plot:")
        maps = maps_of(lesson, run, "pca")
    own = None
    if own_images is not None and len(own_images):
        found = embedding_map.features(run.model, own_images, run.config.input_scale)
        own = embedding_charts.OwnImages(maps.after.project_extra(found.vectors), tuple(own_names), found.predictions)
    figure = embedding_charts.before_and_after_chart(maps.before, maps.after, class_names, own, words=words)
    map_column, image_column = st.columns([4, 1])
    event = map_column.plotly_chart(
        figure, on_select="rerun", selection_mode="points", key=session.map_chart_key(lesson, place)
    )
    sorted_before = embedding_map.nearest_centre_accuracy(maps.before.points, maps.before.labels)
    sorted_after = embedding_map.nearest_centre_accuracy(maps.after.points, maps.after.labels)
    st.caption(
        words(
            f"ui.embedding_map.caption.{maps.after.method}",
            count=words.number(len(maps.after.indices)),
            before=words.percent(sorted_before, 0),
            after=words.percent(sorted_after, 0),
        )
    )
    if fashion_mnist:
        st.caption(words("ui.embedding_map.fashion_pairs"))
    with image_column:
        clicked_image_ui(run, class_names, maps, clicked_index(event))


def clicked_image_ui(
    run: image_classifier.TrainedRun,
    class_names: Sequence[str],
    maps: embedding_map.BeforeAndAfter,
    index: int | None,
) -> None:
    """The clicked held-out image with its true class and what each network said, or a hint."""
    words = i18n.words()
    shown = np.flatnonzero(maps.after.indices == index) if index is not None else np.zeros(0, int)
    if not len(shown):
        st.caption(words("ui.embedding_map.click_hint"))
        return
    position = int(shown[0])  # the same images, in the same order, on both maps
    st.image(run.held_out.images[index], width=140)
    st.caption(
        text.plain(
            words(
                "ui.embedding_map.clicked",
                number=words.number(index),
                true_class=class_names[int(maps.after.labels[position])],
                before=class_names[int(maps.before.predictions[position])],
                after=class_names[int(maps.after.predictions[position])],
            )
        )
    )
