"""Lesson 2, "Introduction to computer vision": a dense network learns Fashion-MNIST."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from core.base import course, jobs, language, precision
from core.computer_vision import charts, dense_network, exercise, pixels
from core.data import fashion_mnist
from ui import components, drawing, exercise_record, i18n, training_jobs

LESSON = course.COMPUTER_VISION
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)
UNITS = (16, 32, 64, 128, 256, 512, 1024)


def settings_ui() -> tuple[dense_network.DenseNetConfig, bool]:
    """The network and training settings, in a form so that moving a slider does not retrain."""
    words = i18n.words()
    with st.form("cv_settings"):
        architecture, optimizer_column, run_column = st.columns(3)
        with architecture:
            st.markdown(words("computer_vision.settings_ui.architecture_heading"))
            layers = st.slider(
                words("computer_vision.settings_ui.hidden_layers_label"), 1, 3, 1, key="cv_layers", bind="query-params"
            )
            units = st.select_slider(
                words("computer_vision.settings_ui.units_label"), UNITS, value=128, key="cv_units", bind="query-params"
            )
            activation = st.selectbox(
                words("computer_vision.settings_ui.activation_label"),
                dense_network.ACTIVATIONS,
                key="cv_activation",
                bind="query-params",
            )
        with optimizer_column:
            st.markdown(words("computer_vision.settings_ui.optimizer_heading"))
            optimizer = st.selectbox(
                words("computer_vision.labels.optimizer"),
                ["adam", "sgd", "rmsprop"],
                key="cv_optimizer",
                bind="query-params",
            )
            learning_rate = st.select_slider(
                words("computer_vision.labels.learning_rate"),
                LEARNING_RATES,
                value=0.001,
                key="cv_lr",
                bind="query-params",
            )
            scale_pixels = st.checkbox(
                words("computer_vision.settings_ui.scale_label"), True, key="cv_scale", bind="query-params"
            )
        with run_column:
            st.markdown(words("computer_vision.settings_ui.training_heading"))
            epochs = st.slider(words("computer_vision.labels.epochs"), 1, 30, 5, key="cv_epochs", bind="query-params")
            batch_size = st.select_slider(
                words("computer_vision.settings_ui.batch_size_label"),
                (8, 16, 32, 64, 128, 256, 512),
                value=32,
                key="cv_batch",
                bind="query-params",
            )
            percent = st.slider(
                words("computer_vision.settings_ui.share_label"), 1, 100, 100, key="cv_percent", bind="query-params"
            )
            seed = st.number_input(
                words("computer_vision.settings_ui.seed_label"), 0, 10_000, 0, key="cv_seed", bind="query-params"
            )
            bfloat16 = components.precision_ui("cv_bf16", default=False)
        st.markdown(words("computer_vision.settings_ui.callback_heading"))
        with st.columns(3)[0]:
            stop = components.stop_rule_ui("cv", default_target=0.85)
        submitted = st.form_submit_button(words("computer_vision.settings_ui.train"), type="primary")
    config = dense_network.DenseNetConfig(
        hidden_units=(units,) * layers,
        activation=activation,
        optimizer=optimizer,
        learning_rate=learning_rate,
        batch_size=batch_size,
        epochs=epochs,
        train_fraction=percent / 100,
        scale_pixels=scale_pixels,
        stop=stop,
        seed=int(seed),
        bfloat16=bfloat16,
    )
    return config, submitted


@st.cache_resource(show_spinner=False)
def pixel_histogram(_data: fashion_mnist.FashionMNIST, language_code: str) -> go.Figure:
    """Drawn once per server and language: the data set is shared and fixed, and binning 1.5 million
    pixels on every page run took a class's server time from its trainings."""
    return charts.pixel_histogram(*pixels.pixel_histograms(_data.train_images), words=language.words(language_code))


def exercise_ui() -> None:
    """Week 2's graded exercise: a dense network on MNIST, stopped by the callback at 98%."""
    words = i18n.words()
    with components.exercise_panel(LESSON, exercise.EXERCISE, key="cv_exercise") as opened:
        digits = components.mnist_ui("cvx", exercise.stand_in_note(words=words)) if opened else None
        if digits is not None:
            with st.form("cv_exercise_settings"):
                model_column, training_column = st.columns(2)
                units = model_column.select_slider(
                    words("computer_vision.exercise_ui.hidden_units_label"),
                    (32, 64, 128, 256, 512),
                    128,
                    key="cvx_units",
                )
                scale = model_column.checkbox(words("computer_vision.exercise_ui.scale_label"), True, key="cvx_scale")
                optimizer = training_column.selectbox(
                    words("computer_vision.labels.optimizer"), ["adam", "sgd", "rmsprop"], key="cvx_optimizer"
                )
                learning_rate = training_column.select_slider(
                    words("computer_vision.labels.learning_rate"), (0.0001, 0.001, 0.01), value=0.001, key="cvx_lr"
                )
                epochs = training_column.slider(
                    words("computer_vision.labels.epochs"), 1, 20, exercise.EPOCHS, key="cvx_epochs"
                )
                callback = components.callback_ui("cvx_callback", exercise.TARGET)
                submitted = st.form_submit_button(words("computer_vision.exercise_ui.submit"), type="primary")
            if submitted:
                config = dense_network.DenseNetConfig(
                    hidden_units=(units,),
                    optimizer=optimizer,
                    learning_rate=learning_rate,
                    epochs=epochs,
                    scale_pixels=scale,
                    stop=callback.stop_rule,
                )
                components.start_mnist_exercise(
                    LESSON, config, dense_network.build_training, dense_network.make_model, digits, callback
                )
            attempt = components.exercise_attempt_ui(LESSON)
            if attempt is not None:
                run, callback = attempt
                trained_on = components.trained_on(LESSON, run)
                grade = exercise.grade_stop_at_98(run.config, callback, run.history, trained_on, words=words)
                exercise_record.grade_ui(grade)
                drawing.digits_drawing_ui(LESSON, run, digits)


words = i18n.words()
names = pixels.class_names(words=words)
st.title(i18n.lesson_heading(LESSON))
training_jobs.jobs_indicator_ui()
st.markdown(words("computer_vision.page.intro"))
exercise_ui()

data = components.fashion_mnist_ui()
st.caption(
    words(
        "computer_vision.page.data_caption",
        source=words.say(data.source_said or data.source),
        train_count=len(data.train_labels),
        test_count=len(data.test_labels),
        megabytes=data.nbytes / 1e6,
    )
)

st.subheader(words("computer_vision.page.classes_heading"))
samples = pixels.samples_per_class(data.train_labels, per_class=5)
gallery = st.columns(5)
for label, indices in samples.items():
    strip = np.hstack([data.train_images[index] for index in indices])
    gallery[label % 5].image(strip, caption=f"{label}: {names[label]}", width="stretch", clamp=True)

with st.expander(words("computer_vision.page.why_scale_title"), key="cv_why_scale", on_change="rerun") as why_scale:
    if why_scale.open:  # drawn only when opened
        st.plotly_chart(pixel_histogram(data, words.language))
    st.markdown(words("computer_vision.page.why_scale"))

st.subheader(words("computer_vision.page.train_heading"))
config, submitted = settings_ui()
components.experiment_link_ui(LESSON)
if isinstance(training_jobs.job_runner(), jobs.LocalJobRunner):  # Ray workers compile their own
    dense_network.precompile_in_background(config, data)

if submitted:
    components.start_training(
        LESSON,
        fashion_mnist.training_job(LESSON.key, config, dense_network.build_training, dense_network.make_model, data),
    )
run = components.training_ui(LESSON)
if run is None:
    components.before_first_run_ui(LESSON, words("computer_vision.page.no_run"))
    st.stop()

components.classifier_results_ui(
    LESSON, run, names, confusion_note=components.FASHION_CONFUSION, precision_reason=precision.FASTER_IN_FLOAT32
)
drawing.drawing_ui(LESSON.track, run, names, data)
components.runs_ui(LESSON, log_scale=False)
components.accuracy_overlay_ui(LESSON)
components.show_code_ui(dense_network.make_script(run.config, words=words), "fashion_mnist_dense.py")
