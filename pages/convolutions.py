"""Lesson 3, "Enhancing vision with convolutions": the course's CNN and what its filters see."""

from __future__ import annotations

import streamlit as st

from core.base import course
from core.charts import feature_map_charts
from core.convolutions import cnn, comparison, exercise, playground
from core.data import fashion_mnist
from core.engine import image_classifier
from ui import components, exercise_record, i18n, training_jobs
from ui.convolutions import cnn_settings, playground_controls

LESSON = course.CONVOLUTIONS
NAMES = fashion_mnist.CLASS_NAMES


def exercise_ui() -> None:
    """Week 3's graded exercise: a CNN on MNIST, stopped by the callback at 99.5%."""
    with components.exercise_panel(LESSON, exercise.EXERCISE, key="cnn_exercise") as opened:
        digits = components.mnist_ui("cnnx", exercise.STAND_IN_NOTE) if opened else None
        if digits is not None:
            with st.form("cnn_exercise_settings"):
                model_column, training_column = st.columns(2)
                blocks = model_column.slider("Convolution blocks", 1, 2, 1, key="cnnx_blocks")
                filters = model_column.select_slider("Filters", cnn.FILTER_CHOICES, 32, key="cnnx_filters")
                pooling = model_column.radio("Pooling", ["max", "average"], horizontal=True, key="cnnx_pooling")
                units = model_column.select_slider("Dense units", (32, 64, 128), 128, key="cnnx_units")
                scale = training_column.checkbox("Scale pixels to 0..1", True, key="cnnx_scale")
                learning_rate = training_column.select_slider(
                    "Adam learning rate", (0.0001, 0.001, 0.01), value=0.001, key="cnnx_lr"
                )
                epochs = training_column.slider("Epochs", 1, 20, exercise.EPOCHS, key="cnnx_epochs")
                callback = components.callback_ui("cnnx_callback", exercise.TARGET)
                submitted = st.form_submit_button("Train and grade", type="primary")
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


st.title(LESSON.heading)
training_jobs.jobs_indicator_ui()
st.markdown(
    "The dense network of Lesson 2 sees a flat list of 784 pixels: it has no idea which pixels are neighbours. "
    "A **convolution** slides a small filter over the image and answers, at every position, *how much does this "
    "patch look like my pattern?* **Pooling** then keeps the strongest answer in each 2×2 block. Stack a few and "
    "the dense layers at the end see features (edges, soles, collars) instead of raw pixels."
)
exercise_ui()

st.header("Convolution playground")
photo_column, kernel_column = st.columns([3, 1])
with kernel_column:
    kernel, weight = playground_controls.kernel_ui()
with photo_column:
    photo = playground_controls.photo_ui()
    if photo is not None and kernel is not None:
        result = playground.filter_and_pool(photo, kernel, weight)
        original, filtered, pooled = st.columns(3)
        original.image(result.photo / 255, caption=f"photo {photo.shape[1]}×{photo.shape[0]}", clamp=True)
        filtered.image(result.filtered / 255, caption="after the 3×3 filter", clamp=True)
        pooled.image(result.pooled / 255, caption="after 2×2 max pooling", clamp=True)
        st.markdown(f"**{result.shapes_sentence}.** {playground.describe_kernel(kernel, weight)}")
        st.markdown(playground.pooling_sentence())

st.header("The course's CNN")
data = components.fashion_mnist_ui()

config, submitted = cnn_settings.cnn_settings_ui()
components.experiment_link_ui(LESSON)
if config is None:
    st.stop()
cnn_summary, dense_summary = st.columns(2)
with cnn_summary:
    st.markdown("**This CNN** (`model.summary()`)")
    st.dataframe(cnn.model_summary(cnn.make_model(config)), hide_index=True)
with dense_summary:
    st.markdown("**Lesson 2's dense network**, for comparison")
    st.dataframe(cnn.model_summary(cnn.dense_baseline()), hide_index=True)
st.caption(
    "Convolution filters are tiny (a 3×3 filter has 9 weights, however large the image), so most parameters sit in "
    "the first Dense layer after Flatten. Pooling has none: it only shrinks the maps."
)

st.caption("On two CPU cores one epoch on 20% of the images takes about 3 seconds; all 60,000 take about 14.")
if submitted:
    components.start_training(
        LESSON, fashion_mnist.training_job(LESSON.key, config, cnn.build_training, cnn.make_model, data)
    )
run = components.training_ui(LESSON)
if run is None:
    if not components.training_active(LESSON):
        st.info("Press **Train** to train the CNN, then look inside it.")
    st.stop()

components.classifier_results_ui(LESSON, run, NAMES, confusion_note=components.FASHION_CONFUSION)

st.header("Inside the trained network")
model = run.model
layer_names = [layer.name for layer in image_classifier.feature_layers(model)]
class_column, filter_column = st.columns(2)
label = class_column.selectbox("Three test images of the class", range(10), index=9, format_func=lambda i: NAMES[i])
examples = cnn.same_class_examples(data.test_labels, label, count=3)
maps = image_classifier.feature_maps(model, data.test_images[examples], run.config.input_scale)
filter_index = filter_column.slider("Filter", 0, maps[0].shape[-1] - 1, 1, key="cnn_filter")
# theme=None: Streamlit's chart theme would recolour the pictures.
st.plotly_chart(
    feature_map_charts.feature_map_grid(
        data.test_images[examples], maps, layer_names, filter_index, words=i18n.words()
    ),
    theme=None,
)
st.caption(
    "The same filter lights up on the same parts of all three images: that is the feature it has learned to detect. "
    "Each pooling layer keeps those bright spots while halving the size."
)
layer_index = st.selectbox(
    "All filters of one layer, for the first image", range(len(layer_names)), format_func=lambda i: layer_names[i]
)
st.plotly_chart(
    feature_map_charts.all_filters_grid(maps[layer_index][0], layer_names[layer_index], words=i18n.words()), theme=None
)
st.plotly_chart(feature_map_charts.kernel_grid(cnn.first_layer_kernels(model), words=i18n.words()), theme=None)

st.header("Dense network vs CNN")
dense_runs = [run for run in components.runs_on(fashion_mnist.NAME) if run.lesson != LESSON.key]
table = comparison.dense_vs_cnn_table(dense_runs, components.session_runs(LESSON))
st.plotly_chart(comparison.dense_vs_cnn_chart(table))
st.dataframe(table, hide_index=True)
if not dense_runs:
    st.caption("Train the dense network in Lesson 2 too, and its runs appear here beside the CNN's.")

components.runs_ui(LESSON, log_scale=False)
components.show_code_ui(cnn.make_script(run.config), "fashion_mnist_cnn.py")
