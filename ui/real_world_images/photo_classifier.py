"""The learner's own photos shown to Lesson 4's trained network: each with its answer, where the
network looked (Grad-CAM), how unlike the training photos it is with the nearest of them, a way to
say what it really is, and the network's insides."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import streamlit as st

from core.base import course, text
from core.charts import classifier_charts, feature_map_charts
from core.data import image_folders, uploads
from core.engine import familiarity as measure
from core.engine import image_classifier
from core.real_world_images import familiarity, gradcam, photos, teaching
from ui import components, embedding_map, i18n, session
from ui.real_world_images import lesson_record, photo_sources, problems

LESSON = course.REAL_WORLD_IMAGES


def photos_to_classify_ui() -> list[tuple[str, str, np.ndarray]]:
    """The learner's uploads and camera shot, decoded by the guarded decoder with their aspect
    ratio kept: (key, name, picture) each. A file that cannot be used is a message."""
    words = i18n.words()
    photo_uploads = components.file_uploader(
        words("real_world_images.classify.upload_label"),
        key="rw_photos",
        types=["jpg", "jpeg", "png", "webp"],
        accept_multiple_files=True,
    )
    shot = components.camera_ui(words("real_world_images.classify.camera_label"), key="rw_camera")
    candidates = []
    for upload, name in [
        *((upload, upload.name) for upload in photo_uploads or []),
        *([(shot, words("real_world_images.classify.camera_name"))] if shot else []),
    ]:
        try:
            candidates.append((upload.file_id, name, uploads.photo_from_upload(upload.getvalue())))
        except ValueError as problem:
            st.error(text.plain(f"{name}: {problems.said(problem)}"), icon=":material/broken_image:")
    return candidates


def training_memory(
    run: image_classifier.TrainedRun, images: np.ndarray, labels: np.ndarray, separate_validation: bool
) -> lesson_record.RunMemory:
    """The run's training photos as its network sees them, measured once per run and kept in
    this session (a few MB), with the learner's own photos when the run was taught them."""
    record = lesson_record.record()
    if record.memory is not None and record.memory.run is run:
        return record.memory
    record.memory = None  # the previous run's, before this one is measured
    own_images, own_labels = record.taught_with.get(run.config, (None, None))
    with st.spinner(i18n.t("real_world_images.spinners.measuring")):
        memory = familiarity.remember_run(run, images, labels, separate_validation, own_images, own_labels)
    record.memory = lesson_record.RunMemory(run, memory, own_images)
    return record.memory


def classified_photos_ui(
    run: image_classifier.TrainedRun,
    folder: image_folders.ImageFolder,
    separate_validation: bool,
    candidates: list[tuple[str, str, np.ndarray]],
) -> None:
    """Every photo to classify in a box of its own, measured against the run's training photos;
    the first unfamiliar one explains why the network fails on it. Then, when opened, where the
    photos land on the map of the held-out photos (`ui.embedding_map`), as stars."""
    if not candidates:
        return
    run_photos = photo_sources.photos_at(folder, run.config.image_size)
    memory = training_memory(run, run_photos.images, run_photos.labels, separate_validation)
    squares = np.stack([uploads.squashed(picture, run.config.image_size) for _, _, picture in candidates])
    measured = measure.familiarity(memory.measured, run.model, squares, run.config.input_scale)
    explained = False
    for (key, name, picture), square, result in zip(candidates, squares, measured, strict=True):
        with st.container(border=True):  # one photo's picture, answer, measure and insides together
            explained |= classified_photo_ui(
                run, folder.class_names, key, name, picture, square, result, run_photos, memory, not explained
            )
    words = i18n.words()
    with st.expander(
        words("real_world_images.classify.map_title"), key=session.photos_map_key(LESSON), on_change="rerun"
    ) as on_the_map:
        if on_the_map.open:  # drawn only when opened: it maps the held-out photos through two networks
            st.caption(words("real_world_images.classify.map_intro"))
            names = [name for _, name, _ in candidates]
            embedding_map.embedding_map_ui(LESSON, run, folder.class_names, "photos", squares, names)


def classified_photo_ui(
    run: image_classifier.TrainedRun,
    class_names: Sequence[str],
    key: str,
    name: str,
    picture: np.ndarray,
    square: np.ndarray,
    result: measure.Familiarity,
    run_photos: photos.DecodedPhotos,
    memory: lesson_record.RunMemory,
    explain: bool,
) -> bool:
    """One classified photo: the picture (its own shape) and where the network looked, its answer,
    how unlike the training photos it is with the nearest of them, a way to teach it the right
    answer, and the network's insides. Returns whether it explained why the network fails."""
    words = i18n.words()
    model = run.model
    probabilities = image_classifier.classify(model, square, run.config.input_scale)
    said = int(np.argmax(probabilities))
    photo_column, heat_column, bars_column = st.columns([1, 1, 2])
    photo_column.image(picture, caption=text.plain(f"{name}: {class_names[said]}"))
    heat, side = gradcam.gradcam(model, square, run.config.input_scale), run.config.image_size
    heat_column.image(
        gradcam.heatmap_overlay(picture, gradcam.resized(heat, picture.shape[:2])),
        caption=words("real_world_images.classify.gradcam_caption", side=side),
    )
    bars_column.plotly_chart(
        classifier_charts.probability_bars(
            probabilities, class_names, said, title=words("real_world_images.classify.bars_title"), words=words
        ),
        key=f"rw_bars/{key}",
    )
    verdict = familiarity.verdict(result, float(probabilities[said]), words=words)
    if result.unfamiliar:
        st.warning(verdict, icon=":material/help_center:")
        if explain:
            st.info(familiarity.why_it_fails(class_names, words=words), icon=":material/lightbulb:")
    else:
        st.caption(verdict)
    threshold = words.number(memory.measured.threshold, 3)
    st.caption(words("real_world_images.classify.nearest", count=len(result.nearest), threshold=threshold))
    st.image(
        [familiarity.training_photo(int(index), run_photos.images, memory.own_images) for index in result.nearest],
        caption=[
            text.plain(f"{class_names[label]} · {distance:.3f}")
            for label, distance in zip(result.nearest_labels, result.nearest_distances, strict=True)
        ],
        width=96,
    )
    add_to_class_ui(class_names, key, name, picture, probabilities)
    with st.expander(words("real_world_images.classify.inside", name=text.plain(name))):
        names = [layer.name for layer in image_classifier.feature_layers(model)]
        maps = image_classifier.feature_maps(model, square, run.config.input_scale)
        filter_index = st.slider(words("real_world_images.classify.filter"), 0, 15, 0, key=f"rw_filter/{key}")
        grey = square.mean(axis=-1)[np.newaxis]
        st.plotly_chart(
            feature_map_charts.feature_map_grid(grey, [m[..., :16] for m in maps], names, filter_index, words=words),
            theme=None,
            key=f"rw_maps/{key}",
        )
    return result.unfamiliar and explain


def add_to_class_ui(
    class_names: Sequence[str], key: str, name: str, picture: np.ndarray, probabilities: np.ndarray
) -> None:
    """ "It is really a ...": the photo joins the learner's own photos with the right label."""
    words = i18n.words()
    record = lesson_record.record()
    label_column, button_column = st.columns([2, 1], vertical_alignment="bottom")
    label = label_column.selectbox(
        words("real_world_images.add.truth_label"),
        range(len(class_names)),
        index=None,  # the learner says, not the network's answer by default
        format_func=lambda i: text.plain(class_names[i]),
        placeholder=words("real_world_images.add.choose"),
        key=f"rw_truth/{key}",
    )
    if button_column.button(
        words("real_world_images.add.button"),
        key=f"rw_add/{key}",
        icon=":material/add_photo_alternate:",
        disabled=label is None,
    ):
        runs = components.session_runs(LESSON)
        photo = teaching.OwnPhoto(
            key, name, picture, int(label), tuple(float(p) for p in probabilities), runs[-1].number if runs else 0
        )
        try:
            record.own_photos = teaching.add_own_photo(record.own_photos, photo)
        except ValueError as problem:
            st.warning(problems.said(problem), icon=":material/photo_library:")
    added = next((photo for photo in record.own_photos if photo.key == key), None)
    if added is not None:
        st.caption(text.plain(words("real_world_images.add.added", class_name=class_names[added.label])))
