"""The course's CNN's settings on Lesson 3's page: its network, its training and the course's
callback, in a form so that moving a slider does not retrain."""

from __future__ import annotations

import streamlit as st

from core.base import language
from core.convolutions import cnn
from ui import components, i18n

# Streamlit keys a form's button by its label; this is the key the English label had, kept in every language.
TRAIN_KEY = "FormSubmitter:cnn_settings-Train"
POOLINGS = ("max", "average")  # the radio's values, as the config and the address hold them


def pooling_names() -> dict[str, str]:
    """The pooling options as the learner reads them (the values stay "max" and "average"), fixed
    when the radio is drawn: its `format_func` is also called outside the page's run."""
    return {pooling: i18n.t(f"convolutions.settings.pooling_{pooling}") for pooling in POOLINGS}


def cnn_settings_ui() -> tuple[cnn.CnnConfig | None, bool]:
    """The settings (kept in the page's address, so a link shares the experiment) and whether Train
    was pressed; None, with the reason shown, for settings the network cannot take."""
    with st.form("cnn_settings"):
        network, training_column, stop_column = st.columns(3)
        with network:
            st.markdown(i18n.t("convolutions.settings.network_heading"))
            blocks = st.slider(i18n.t("convolutions.settings.blocks"), 1, 3, 2, key="cnn_blocks", bind="query-params")
            filters = st.select_slider(
                i18n.t("convolutions.settings.filters_per_block"),
                cnn.FILTER_CHOICES,
                value=64,
                key="cnn_filters",
                bind="query-params",
            )
            kernel_size = st.radio(
                i18n.t("convolutions.settings.kernel_size"),
                [3, 5],
                horizontal=True,
                format_func=lambda k: f"{k}×{k}",
                key="cnn_k",
                bind="query-params",
            )
            pooling = st.radio(
                i18n.t("convolutions.settings.pooling"),
                POOLINGS,
                horizontal=True,
                format_func=pooling_names().get,
                key="cnn_pool",
                bind="query-params",
            )
            dense_units = st.select_slider(
                i18n.t("convolutions.settings.dense_units"),
                (32, 64, 128, 256, 512),
                value=128,
                key="cnn_dense",
                bind="query-params",
            )
        with training_column:
            st.markdown(i18n.t("convolutions.settings.training_heading"))
            epochs = st.slider(i18n.t("convolutions.settings.epochs"), 1, 30, 5, key="cnn_epochs", bind="query-params")
            percent = st.slider(
                i18n.t("convolutions.settings.share"), 1, 100, 20, key="cnn_percent", bind="query-params"
            )
            seed = st.number_input(
                i18n.t("convolutions.settings.seed"), 0, 10_000, 0, key="cnn_seed", bind="query-params"
            )
            bfloat16 = components.precision_ui("cnn_bf16")
        with stop_column:
            st.markdown(i18n.t("convolutions.settings.callback_heading"))
            stop = components.stop_rule_ui("cnn", default_target=0.9)
        submitted = st.form_submit_button(i18n.t("convolutions.settings.train"), type="primary", key=TRAIN_KEY)
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
        said = i18n.say(problem.message) if isinstance(problem, language.LearnerError) else str(problem)
        st.error(said, icon=":material/error:")
        return None, False
    return config, submitted
