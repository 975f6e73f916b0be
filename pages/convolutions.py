"""Lesson 3, "Enhancing vision with convolutions": the course's CNN and what its filters see."""

from __future__ import annotations

import streamlit as st

from core.base import course
from core.charts import feature_map_charts
from core.convolutions import cnn, comparison, exercise, playground
from core.data import fashion_mnist
from core.engine import image_classifier
from ui import components, drawing, exercise_record, i18n, training_jobs
from ui.convolutions import cnn_settings, playground_controls

LESSON = course.CONVOLUTIONS
NAMES = fashion_mnist.CLASS_NAMES
# Streamlit keys a form's button by its label; this is the key the English label had, kept in every language.
GRADE_KEY = "FormSubmitter:cnn_exercise_settings-Train and grade"


def class_names() -> list[str]:
    """The Fashion-MNIST classes as the learner reads them ("T-shirt/top" → `data.fashion_mnist.classes.t_shirt`)."""
    keys = (name.lower().split("/")[0].replace("-", "_").replace(" ", "_") for name in NAMES)
    return [i18n.t(f"data.fashion_mnist.classes.{key}") for key in keys]


def exercise_ui() -> None:
    """Week 3's graded exercise: a CNN on MNIST, stopped by the callback at 99.5%."""
    with components.exercise_panel(LESSON, exercise.EXERCISE, key="cnn_exercise") as opened:
        digits = components.mnist_ui("cnnx", i18n.t("convolutions.exercise.stand_in_note")) if opened else None
        if digits is not None:
            with st.form("cnn_exercise_settings"):
                model_column, training_column = st.columns(2)
                blocks = model_column.slider(i18n.t("convolutions.settings.blocks"), 1, 2, 1, key="cnnx_blocks")
                filters = model_column.select_slider(
                    i18n.t("convolutions.exercise.filters"), cnn.FILTER_CHOICES, 32, key="cnnx_filters"
                )
                pooling = model_column.radio(
                    i18n.t("convolutions.exercise.pooling"),
                    cnn_settings.POOLINGS,
                    horizontal=True,
                    format_func=cnn_settings.pooling_names().get,
                    key="cnnx_pooling",
                )
                units = model_column.select_slider(
                    i18n.t("convolutions.settings.dense_units"), (32, 64, 128), 128, key="cnnx_units"
                )
                scale = training_column.checkbox(i18n.t("convolutions.exercise.scale"), True, key="cnnx_scale")
                learning_rate = training_column.select_slider(
                    i18n.t("convolutions.exercise.learning_rate"), (0.0001, 0.001, 0.01), value=0.001, key="cnnx_lr"
                )
                epochs = training_column.slider(
                    i18n.t("convolutions.settings.epochs"), 1, 20, exercise.EPOCHS, key="cnnx_epochs"
                )
                callback = components.callback_ui("cnnx_callback", exercise.TARGET)
                submitted = st.form_submit_button(
                    i18n.t("convolutions.exercise.train_and_grade"), type="primary", key=GRADE_KEY
                )
            if submitted:
                config = cnn.CnnConfig(
                    conv_blocks=blocks,
                    filters=filters,
                    pooling=pooling,
                    dense_units=units,
                    learning_rate=learning_rate,
                    epochs=epochs,
                    scale_pixels=scale,
                    stop=callback.stop_rule,
                    bfloat16=False,  # a grade, and the figures the exercise quotes, the same on every processor
                )
                components.start_mnist_exercise(LESSON, config, cnn.build_training, cnn.make_model, digits, callback)
            attempt = components.exercise_attempt_ui(LESSON)
            if attempt is not None:
                run, callback = attempt
                trained_on = components.trained_on(LESSON, run)
                exercise_record.grade_ui(exercise.grade_convolutions(run.config, callback, run.history, trained_on))
                drawing.digits_drawing_ui(LESSON, run, digits)


words = i18n.words()
st.title(i18n.lesson_heading(LESSON))
training_jobs.jobs_indicator_ui()
st.markdown(words("convolutions.intro"))
exercise_ui()

st.header(words("convolutions.playground.header"))
photo_column, kernel_column = st.columns([3, 1])
with kernel_column:
    kernel, weight = playground_controls.kernel_ui()
with photo_column:
    photo = playground_controls.photo_ui()
    if photo is not None and kernel is not None:
        result = playground.filter_and_pool(photo, kernel, weight)
        original, filtered, pooled = st.columns(3)
        photo_caption = words("convolutions.playground.photo_caption", width=photo.shape[1], height=photo.shape[0])
        original.image(result.photo / 255, caption=photo_caption, clamp=True)
        filtered.image(result.filtered / 255, caption=words("convolutions.playground.filtered_caption"), clamp=True)
        pooled.image(result.pooled / 255, caption=words("convolutions.playground.pooled_caption"), clamp=True)
        shapes, kernel_sentence = (
            result.shapes_sentence(words=words),
            playground.describe_kernel(kernel, weight, words=words),
        )
        st.markdown(f"**{shapes}.** {kernel_sentence}")
        st.markdown(playground.pooling_sentence(words=words))

st.header(words("convolutions.cnn.header"))
data = components.fashion_mnist_ui()

config, submitted = cnn_settings.cnn_settings_ui()
components.experiment_link_ui(LESSON)
if config is None:
    st.stop()
cnn_summary, dense_summary = st.columns(2)
with cnn_summary:
    st.markdown(words("convolutions.cnn.this_cnn"))
    st.dataframe(cnn.model_summary(cnn.make_model(config), words=words), hide_index=True)
with dense_summary:
    st.markdown(words("convolutions.cnn.dense_for_comparison"))
    st.dataframe(cnn.model_summary(cnn.dense_baseline(), words=words), hide_index=True)
st.caption(words("convolutions.cnn.parameters_caption"))

st.caption(words("convolutions.cnn.timing_caption"))
if submitted:
    components.start_training(
        LESSON, fashion_mnist.training_job(LESSON.key, config, cnn.build_training, cnn.make_model, data)
    )
run = components.training_ui(LESSON)
if run is None:
    components.before_first_run_ui(LESSON, words("convolutions.cnn.press_train"))
    st.stop()

components.classifier_results_ui(LESSON, run, class_names(), confusion_note=components.FASHION_CONFUSION)
drawing.drawing_ui(LESSON.track, run, class_names(), data, feature_maps=True)

st.header(words("convolutions.inside.header"))
model = run.model
layer_names = [layer.name for layer in image_classifier.feature_layers(model)]
class_column, filter_column = st.columns(2)
label = class_column.selectbox(
    words("convolutions.inside.class_label"), range(10), index=9, format_func=class_names().__getitem__
)
examples = cnn.same_class_examples(data.test_labels, label, count=3)
maps = image_classifier.feature_maps(model, data.test_images[examples], run.config.input_scale)
filter_index = filter_column.slider(
    words("convolutions.inside.filter_label"), 0, maps[0].shape[-1] - 1, 1, key="cnn_filter"
)
# theme=None: Streamlit's chart theme would recolour the pictures.
st.plotly_chart(
    feature_map_charts.feature_map_grid(data.test_images[examples], maps, layer_names, filter_index, words=words),
    theme=None,
)
st.caption(words("convolutions.inside.same_filter"))
layer_index = st.selectbox(
    words("convolutions.inside.layer_label"), range(len(layer_names)), format_func=lambda i: layer_names[i]
)
st.plotly_chart(
    feature_map_charts.all_filters_grid(maps[layer_index][0], layer_names[layer_index], words=words), theme=None
)
st.plotly_chart(feature_map_charts.kernel_grid(cnn.first_layer_kernels(model), words=words), theme=None)

st.header(words("convolutions.comparison.header"))
dense_runs = [run for run in components.runs_on(fashion_mnist.NAME) if run.lesson != LESSON.key]
table = comparison.dense_vs_cnn_table(dense_runs, components.session_runs(LESSON), words=words)
st.plotly_chart(comparison.dense_vs_cnn_chart(table, words=words))
st.dataframe(table, hide_index=True)
if not dense_runs:
    st.caption(words("convolutions.comparison.train_dense_too"))

components.runs_ui(LESSON, log_scale=False)
components.show_code_ui(cnn.make_script(run.config, words=words), "fashion_mnist_cnn.py")
