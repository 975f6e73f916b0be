"""The course's CNN's settings on Lesson 3's page: its network, its training and the course's
callback, in a form so that moving a slider does not retrain."""

from __future__ import annotations

import streamlit as st

from core.convolutions import cnn
from ui import components


def cnn_settings_ui() -> tuple[cnn.CnnConfig | None, bool]:
    """The settings (kept in the page's address, so a link shares the experiment) and whether Train
    was pressed; None, with the reason shown, for settings the network cannot take."""
    with st.form("cnn_settings"):
        network, training_column, stop_column = st.columns(3)
        with network:
            st.markdown("**Network**")
            blocks = st.slider("Convolution blocks", 1, 3, 2, key="cnn_blocks", bind="query-params")
            filters = st.select_slider(
                "Filters per block", cnn.FILTER_CHOICES, value=64, key="cnn_filters", bind="query-params"
            )
            kernel_size = st.radio(
                "Kernel size",
                [3, 5],
                horizontal=True,
                format_func=lambda k: f"{k}×{k}",
                key="cnn_k",
                bind="query-params",
            )
            pooling = st.radio(
                "Pooling (2×2)", ["max", "average"], horizontal=True, key="cnn_pool", bind="query-params"
            )
            dense_units = st.select_slider(
                "Dense units", (32, 64, 128, 256, 512), value=128, key="cnn_dense", bind="query-params"
            )
        with training_column:
            st.markdown("**Training**")
            epochs = st.slider("Epochs", 1, 30, 5, key="cnn_epochs", bind="query-params")
            percent = st.slider(
                "Share of the 60,000 training images (%)", 1, 100, 20, key="cnn_percent", bind="query-params"
            )
            seed = st.number_input("Random seed", 0, 10_000, 0, key="cnn_seed", bind="query-params")
            bfloat16 = components.precision_ui("cnn_bf16")
        with stop_column:
            st.markdown("**The course's callback**")
            stop = components.stop_rule_ui("cnn", default_target=0.9)
        submitted = st.form_submit_button("Train", type="primary")
    try:
        config = cnn.CnnConfig(
            conv_blocks=blocks,
            filters=filters,
            kernel_size=kernel_size,
            pooling=pooling,
            dense_units=dense_units,
            epochs=epochs,
            train_fraction=percent / 100,
            stop=stop,
            seed=int(seed),
            bfloat16=bfloat16,
        )
    except ValueError as problem:
        st.error(str(problem), icon=":material/error:")
        return None, False
    return config, submitted
