"""Lessons 2-4's results, TensorBoard's Histograms tab: each layer's kernel weights and their
gradients over the epochs, with what to look for. `classifier_results_ui` draws it in a tab of
its own, only when the learner opens it."""

from __future__ import annotations

import streamlit as st

from core.base.history import TrainingHistory
from core.charts import histogram_charts
from ui import i18n


def weights_over_epochs_ui(history: TrainingHistory) -> None:
    """The run's histograms with a slider over its epochs, and how a healthy run differs from a
    broken one; a note instead when the run recorded none."""
    words = i18n.words()
    if history.histograms is None or not history.histograms.epochs:
        st.caption(words("ui.weights_over_epochs.not_recorded"))
        return
    st.plotly_chart(histogram_charts.weights_over_epochs(history.histograms, words=words))
    st.caption(words("ui.weights_over_epochs.caption"))
