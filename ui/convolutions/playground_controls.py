"""The convolution playground's controls on Lesson 3's page: the photo to filter and the 3×3 filter
with its weight."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.base import text
from core.convolutions import playground
from core.data import uploads
from ui import components

PRESETS = playground.KERNEL_PRESETS


def photo_ui() -> np.ndarray | None:
    """The photo to filter: the offline sample, or the learner's own, uploaded or taken with the
    camera (both checked by the same guarded decoder)."""
    source = st.radio("Photo", [playground.SAMPLE_PHOTO, "My own photo"], horizontal=True, key="cp_src")
    if source == playground.SAMPLE_PHOTO:
        return playground.sample_photo()
    upload = components.file_uploader(
        "A photo (PNG, JPEG, WebP, GIF or BMP)", key="cp_upload", types=["png", "jpg", "jpeg", "webp", "gif", "bmp"]
    )
    shot = components.camera_ui("Take a photo to filter", key="cp_camera")
    photo, name = (shot, "camera photo") if shot is not None else (upload, upload.name if upload else "")
    if photo is None:
        st.caption("Upload a photo or take one to filter it; until then nothing is shown.")
        return None
    try:
        return uploads.grey_photo_from_upload(photo.getvalue())
    except ValueError as problem:
        st.error(text.plain(f"{name}: {problem}"), icon=":material/broken_image:")
        return None


def kernel_ui() -> tuple[np.ndarray | None, float]:
    """A preset, then an editable 3×3 grid and the weight the course multiplies by."""
    preset = st.selectbox("Start from", list(PRESETS), key="cp_preset")
    grid = components.data_editor(
        pd.DataFrame(PRESETS[preset], columns=["left", "middle", "right"], dtype=float),
        key=f"cp_kernel/{preset}",  # a new preset starts a fresh grid
        max_rows=3,
        hide_index=True,
    )
    weight = st.number_input(
        "Weight (multiplies the result)",
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
        st.error(str(problem), icon=":material/grid_off:")
        return None, weight
