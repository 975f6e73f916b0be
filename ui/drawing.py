"""Lessons 2 and 3, "draw it yourself": the learner draws, and sees the 28×28 picture the network
makes of the drawing, what it believes it is, stroke by stroke, and whether the drawing is unlike
the images it trained on (the familiarity flag of Lesson 4's photos, `core.engine.familiarity`).

The canvas is `streamlit-drawable-canvas`, a Components v2 widget: Streamlit finds its files by
scanning the installed packages' `pyproject.toml` when its runtime starts (`streamlit run`, or an
`AppTest`), so the package is imported here, inside a script run, and not when this module loads.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import streamlit as st

from core.base import course, language
from core.charts import classifier_charts, feature_map_charts
from core.data import drawings, fashion_mnist, mnist
from core.engine import familiarity, image_classifier
from ui import i18n, session

PEN_WIDTHS = (2, 4, 8, 12, 16, 20, 24, 28)  # canvas pixels; 2 shows a stroke that fades, 20 one that does not
DEFAULT_PEN = 20
VIEW_SCALE = 7  # the 28×28 view drawn 196 pixels wide, each of its pixels a hard 7×7 square


def training_memory(
    track: course.Track, run: image_classifier.TrainedRun, data: fashion_mnist.FashionMNIST
) -> familiarity.TrainingMemory:
    """The run's yardstick for the familiarity flag, kept in the learner's session: made on the
    first stroke after a training (a sample of the training and held-out images through the
    network), not again on every stroke."""
    state = session.track(track)
    if state.drawing_memory is None or state.drawing_memory.run is not run:
        memory = familiarity.remember_sample(
            run.model, data.train_images, data.train_labels, run.held_out, run.config.input_scale, run.config.seed
        )
        state.drawing_memory = session.KeptTrainingMemory(run, memory)
    return state.drawing_memory.memory


@st.fragment
def drawing_ui(
    track: course.Track,
    run: image_classifier.TrainedRun,
    class_names: Sequence[str],
    data: fashion_mnist.FashionMNIST,
    framing: drawings.Framing = "fills_frame",
    feature_maps: bool = False,
) -> None:
    """A canvas, the drawing as the network sees it, its probabilities for every class and how
    familiar it is to a network trained on `data` (with the first convolution's feature maps of the
    drawing when `feature_maps`). A fragment: a stroke reruns this, not the page."""
    from streamlit_drawable_canvas import st_canvas  # registered by the running Streamlit; see above

    words = i18n.words()
    digits = framing == "digit_box"  # MNIST's framing: the exercises' digits
    st.subheader(words("ui.drawing.digits_title" if digits else "ui.drawing.title"))
    st.markdown(words("ui.drawing.digits_intro" if digits else "ui.drawing.intro"))
    # The canvas column holds the 280-pixel canvas whole inside an exercise's expander too.
    canvas_column, view_column, bars_column = st.columns([2.2, 1.4, 3])
    with canvas_column:
        # The pen's width is read before the canvas is drawn (its strokes need it) and chosen under it:
        # above it, the canvas's toolbar, which shows on hover, covered the slider.
        pen_width = session.widget_value(session.pen_width_key(track), DEFAULT_PEN)
        canvas = st_canvas(
            stroke_width=pen_width,
            stroke_color="#000000",
            background_color="#ffffff",
            width=drawings.CANVAS_SIDE,
            height=drawings.CANVAS_SIDE,
            return_image_data=True,
            key=session.drawing_key(track),
        )
        st.select_slider(words("ui.drawing.pen_width"), PEN_WIDTHS, value=DEFAULT_PEN, key=session.pen_width_key(track))
    sent = canvas.image_bytes
    try:
        drawing = drawings.network_view(sent, pen_width, framing) if sent else None
    except language.LearnerError as error:
        st.error(words.say(error.message))
        return
    state = session.track(track)
    if drawing is None or drawing.view is None:
        state.drawn = None
        bars_column.info(words("ui.drawing.too_little_ink"), icon=":material/draw:")
        return
    state.drawn = drawing.view  # a star on the results' map when it is drawn next
    pixels = f"{drawing.canvas_pixels_per_pixel:.0f}"
    view_column.image(
        drawings.pixelated(drawing.view, VIEW_SCALE), caption=words("ui.drawing.view_caption"), width="content"
    )
    view_column.caption(words("ui.drawing.scale", pixels=pixels))
    if drawing.stroke_fades(pen_width):
        view_column.warning(words("ui.drawing.thin_pen", pen_width=pen_width, pixels=pixels))
    probabilities = image_classifier.classify(run.model, drawing.view, run.config.input_scale)
    guess = int(np.argmax(probabilities))
    with bars_column:
        st.markdown(
            words("ui.drawing.guess", class_name=class_names[guess], probability=words.percent(probabilities[guess]))
        )
        familiarity_ui(training_memory(track, run, data), run, drawing.view, float(probabilities[guess]))
        st.plotly_chart(
            classifier_charts.probability_bars(
                probabilities, class_names, guess, title=words("ui.drawing.bars_title"), words=words
            )
        )
    if feature_maps:
        layers = image_classifier.feature_layers(run.model)
        maps = image_classifier.feature_maps(run.model, drawing.view[np.newaxis], run.config.input_scale)
        st.caption(words("ui.drawing.feature_maps"))
        # theme=None: Streamlit's chart theme would recolour the pictures.
        st.plotly_chart(feature_map_charts.all_filters_grid(maps[0][0], layers[0].name, words=words), theme=None)


def digits_drawing_ui(
    lesson: course.Lesson, run: image_classifier.TrainedRun, digits: fashion_mnist.FashionMNIST
) -> None:
    """The MNIST exercises (weeks 2 and 3) once trained: the learner draws a digit and the
    exercise's network guesses it, the drawing framed as MNIST frames its digits."""
    drawing_ui(lesson.exercise_track, run, mnist.DIGITS, digits, framing="digit_box")


def familiarity_ui(
    memory: familiarity.TrainingMemory, run: image_classifier.TrainedRun, view: np.ndarray, confidence: float
) -> None:
    """Whether the drawing is unlike the training images, as an uploaded photo in Lesson 4 is told:
    a warning when it lies farther from them than nearly every held-out image, else a caption."""
    words = i18n.words()
    [result] = familiarity.familiarity(memory, run.model, view[np.newaxis], run.config.input_scale)
    kind = familiarity.kind(result)
    said = words(
        f"ui.drawing.familiarity.{kind}",
        farther_than=words.percent(result.farther_than, 0),
        confidence=words.percent(confidence, 0),
    )
    if kind == "unfamiliar":
        st.warning(said, icon=":material/help_center:")
    else:
        st.caption(said)
