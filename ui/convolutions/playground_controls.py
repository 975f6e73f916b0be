"""The convolution playground's controls on Lesson 3's page: the photo to filter and the 3×3 filter
with its weight."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.base import language, text
from core.convolutions import playground
from core.data import uploads
from ui import components, i18n

PRESETS = playground.KERNEL_PRESETS
OWN_PHOTO = "My own photo"  # the radio's value (tests and links choose it); shown as `convolutions.photo.own`
KERNEL_COLUMNS = ("left", "middle", "right")  # the grid's columns, named in the catalogue as `kernel.column_*`


def _said(problem: ValueError) -> str:
    """A refusal from core, in the learner's language when core chose its words."""
    return i18n.say(problem.message) if isinstance(problem, language.LearnerError) else str(problem)


def photo_ui() -> np.ndarray | None:
    """The photo to filter: the offline sample, or the learner's own, uploaded or taken with the
    camera (both checked by the same guarded decoder)."""
    shown = {playground.SAMPLE_PHOTO: i18n.t("convolutions.photo.sample"), OWN_PHOTO: i18n.t("convolutions.photo.own")}
    source = st.radio(
        i18n.t("convolutions.photo.source_label"),
        list(shown),
        horizontal=True,
        format_func=shown.get,
        key="cp_src",
    )
    if source == playground.SAMPLE_PHOTO:
        return playground.sample_photo()
    upload = components.file_uploader(
        i18n.t("convolutions.photo.upload_label"),
        key="cp_upload",
        types=["png", "jpg", "jpeg", "webp", "gif", "bmp"],
    )
    shot = components.camera_ui(i18n.t("convolutions.photo.camera_label"), key="cp_camera")
    if shot is not None:
        photo, name = shot, i18n.t("convolutions.photo.camera_name")
    else:
        photo, name = upload, upload.name if upload else ""
    if photo is None:
        st.caption(i18n.t("convolutions.photo.nothing_yet"))
        return None
    try:
        return uploads.grey_photo_from_upload(photo.getvalue())
    except ValueError as problem:
        st.error(text.plain(f"{name}: {_said(problem)}"), icon=":material/broken_image:")
        return None


def kernel_ui() -> tuple[np.ndarray | None, float]:
    """A preset, then an editable 3×3 grid and the weight the course multiplies by."""
    shown = {name: i18n.t(playground.preset_key(name)) for name in PRESETS}
    preset = st.selectbox(
        i18n.t("convolutions.kernel.start_from"),
        list(PRESETS),
        format_func=shown.get,
        key="cp_preset",
    )
    grid = components.data_editor(
        pd.DataFrame(PRESETS[preset], columns=list(KERNEL_COLUMNS), dtype=float),
        key=f"cp_kernel/{preset}",  # a new preset starts a fresh grid
        max_rows=3,
        hide_index=True,
        # The columns keep their names (the editor's edits are kept by name); only their headers are translated.
        column_config={
            column: st.column_config.NumberColumn(i18n.t(f"convolutions.kernel.column_{column}"))
            for column in KERNEL_COLUMNS
        },
    )
    weight = st.number_input(
        i18n.t("convolutions.kernel.weight_label"),
        -10.0,
        10.0,
        playground.PRESET_WEIGHTS[preset],
        0.01,
        format="%.4f",
        key=f"cp_weight/{preset}",
    )
    try:
        return playground.kernel_from_grid(grid), weight
    except ValueError as problem:
        st.error(_said(problem), icon=":material/grid_off:")
        return None, weight
