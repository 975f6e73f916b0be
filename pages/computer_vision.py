"""Lesson 2, "Introduction to computer vision": a dense network learns Fashion-MNIST."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core import code_export, computer_vision, fashion_mnist, training_charts
from pages import components

LESSON = "computer_vision"
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)
UNITS = (16, 32, 64, 128, 256, 512, 1024)
NAMES = fashion_mnist.CLASS_NAMES


@st.cache_resource(show_spinner="Loading Fashion-MNIST...")
def load_data() -> fashion_mnist.FashionMNIST:
    """Read-only and shared by every visitor: loaded once per server."""
    return fashion_mnist.load_fashion_mnist()


def settings_ui() -> tuple[computer_vision.DenseNetConfig, bool]:
    """The network and training settings, in a form so that moving a slider does not retrain."""
    with st.form("cv_settings"):
        architecture, optimizer_column, run_column = st.columns(3)
        with architecture:
            st.markdown("**Architecture**")
            layers = st.slider("Hidden layers", 1, 3, 1, key="cv_layers")
            units = st.select_slider("Units per hidden layer", UNITS, value=128, key="cv_units")
            activation = st.selectbox("Activation", computer_vision.ACTIVATIONS, key="cv_activation")
        with optimizer_column:
            st.markdown("**Optimizer**")
            optimizer = st.selectbox("Optimizer", ["adam", "sgd", "rmsprop"], key="cv_optimizer")
            learning_rate = st.select_slider("Learning rate", LEARNING_RATES, value=0.001, key="cv_lr")
            scale_pixels = st.checkbox("Scale pixels to 0..1 (the course's x / 255.0)", True, key="cv_scale")
        with run_column:
            st.markdown("**Training**")
            epochs = st.slider("Epochs", 1, 30, 5, key="cv_epochs")
            batch_size = st.select_slider("Batch size", (8, 16, 32, 64, 128, 256, 512), value=32, key="cv_batch")
            percent = st.slider("Share of the 60,000 training images (%)", 1, 100, 100, key="cv_percent")
            seed = st.number_input("Random seed", 0, 10_000, 0, key="cv_seed")
        st.markdown("**The course's callback: stop when a target is reached**")
        with st.columns(3)[0]:
            stop_settings = components.stop_rule_ui("cv", default_target=0.85)
        submitted = st.form_submit_button("Train", type="primary")
    config = computer_vision.DenseNetConfig(
        hidden_units=(units,) * layers,
        activation=activation,
        optimizer=optimizer,
        learning_rate=learning_rate,
        batch_size=batch_size,
        epochs=epochs,
        train_fraction=percent / 100,
        scale_pixels=scale_pixels,
        **stop_settings,
        seed=int(seed),
    )
    return config, submitted


st.title("Lesson 2 · Introduction to computer vision")
st.markdown(
    "From fitting a line to recognising clothing. The neuron of Lesson 1 took one number; here a "
    "network takes all 784 pixels of a 28×28 photo and answers with ten probabilities, one per kind of "
    "clothing. Nobody writes rules for *sleeve* or *heel*: the network finds them from 60,000 labelled examples."
)

try:
    data = load_data()
except (fashion_mnist.DataUnavailable, fashion_mnist.DatasetError) as problem:
    st.error(str(problem), icon=":material/cloud_off:")
    st.stop()
st.caption(
    f"Data: {data.source}. {len(data.train_labels):,} training and {len(data.test_labels):,} test images, "
    f"kept as bytes ({data.nbytes / 1e6:.0f} MB in memory)."
)

st.subheader("The ten classes")
samples = computer_vision.samples_per_class(data.train_labels, per_class=5)
gallery = st.columns(5)
for label, indices in samples.items():
    strip = np.hstack([data.train_images[index] for index in indices])
    gallery[label % 5].image(strip, caption=f"{label}: {NAMES[label]}", width="stretch", clamp=True)

with st.expander("Why divide the pixels by 255?"):
    raw, scaled = computer_vision.pixel_histograms(data.train_images)
    st.plotly_chart(training_charts.pixel_histogram(raw, scaled))
    st.markdown(
        "Scaling keeps every input between 0 and 1, so the first layer's weighted sums start small and the "
        "gradients are well behaved. Untick **Scale pixels** below and train to see the difference. The "
        "dashboard scales each batch as it trains, so the 60,000 images stay as bytes (47 MB) instead of the "
        "376 MB float copy that `x / 255.0` makes."
    )

st.subheader("Train the network")
config, submitted = settings_ui()


def build(config: computer_vision.DenseNetConfig):
    model = computer_vision.make_model(config)
    return model, computer_vision.make_trainer(config, model, data.train_images, data.train_labels)


def evaluate(model, config: computer_vision.DenseNetConfig) -> computer_vision.Evaluation:
    return computer_vision.evaluate(model, data.test_images, data.test_labels, config.scale_pixels)


result = components.image_training_ui(LESSON, "Computer vision", config, submitted, build, evaluate)
if result is None:
    st.info("Choose settings and press **Train**. The course's settings train in a few seconds.")
    st.stop()

components.classifier_results_ui(
    LESSON, result, data.test_images, data.test_labels, NAMES, confusion_note=components.FASHION_CONFUSION
)
components.runs_ui(LESSON, log_scale=False)
components.accuracy_overlay_ui(LESSON)
components.show_code_ui(code_export.dense_script(result["config"]), "fashion_mnist_dense.py")
