"""Lesson 1's settings form: how the neuron is trained and which x it is asked about
(`neuron_ui`), and where its points come from (`data_ui`). Only Lesson 1's page imports them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.hello_world import neuron as hello_world
from ui import components, i18n

LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)
# Where the points come from: the radio's values (kept in the address, so never translated) and their words.
FROM_RULE, OWN_POINTS = "From a rule", "My own points"
SOURCE_WORDS = {FROM_RULE: "hello_world.data_ui.source_rule", OWN_POINTS: "hello_world.data_ui.source_own"}


def data_ui() -> tuple[str, hello_world.LineDataConfig, pd.DataFrame]:
    """Where the points come from: a rule with optional noise, or a table the learner edits."""
    words = i18n.words()  # this run's: Streamlit may call format_func after the run
    source = st.radio(
        words("hello_world.data_ui.source_label"),
        list(SOURCE_WORDS),
        format_func=lambda value: words(SOURCE_WORDS[value]),
        horizontal=True,
        key="hw_source",
        bind="query-params",
    )
    rule = hello_world.LineDataConfig(
        slope=st.slider(
            i18n.t("hello_world.data_ui.slope_label"), -3.0, 3.0, 0.5, 0.1, key="hw_slope", bind="query-params"
        ),
        intercept=st.slider(
            i18n.t("hello_world.data_ui.intercept_label"), -5.0, 5.0, 0.5, 0.1, key="hw_intercept", bind="query-params"
        ),
        num_points=st.slider(
            i18n.t("hello_world.data_ui.points_label"), 2, 50, 6, key="hw_points", bind="query-params"
        ),
        noise=st.slider(
            i18n.t("hello_world.data_ui.noise_label"), 0.0, 2.0, 0.0, 0.05, key="hw_noise", bind="query-params"
        ),
    )
    course_points = hello_world.make_points(hello_world.LineDataConfig())
    st.caption(i18n.t("hello_world.data_ui.table_caption"))
    table = components.data_editor(
        pd.DataFrame({"x": course_points.xs, "y": course_points.ys}),
        key="hw_table",
        max_rows=hello_world.MAX_POINTS,
        num_rows="dynamic",
        height=250,
    )
    return source, rule, table


def neuron_ui() -> tuple[hello_world.NeuronConfig, float]:
    """How the neuron is trained, and which x to ask it about."""
    optimizer = st.selectbox(
        i18n.t("hello_world.labels.optimizer"), ["sgd", "adam", "rmsprop"], key="hw_optimizer", bind="query-params"
    )
    learning_rate = st.select_slider(
        i18n.t("hello_world.labels.learning_rate"), LEARNING_RATES, value=0.01, key="hw_lr", bind="query-params"
    )
    epochs = st.slider(
        i18n.t("hello_world.labels.epochs"), 1, hello_world.MAX_EPOCHS, 1000, key="hw_epochs", bind="query-params"
    )
    seed = st.number_input(i18n.t("hello_world.neuron_ui.seed_label"), 0, 10_000, 0, key="hw_seed", bind="query-params")
    query_x = st.number_input(
        i18n.t("hello_world.neuron_ui.query_label"), -1000.0, 1000.0, 7.0, 1.0, key="hw_query", bind="query-params"
    )
    config = hello_world.NeuronConfig(optimizer=optimizer, learning_rate=learning_rate, epochs=epochs, seed=int(seed))
    return config, float(query_x)
