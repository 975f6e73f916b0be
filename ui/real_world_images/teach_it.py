"""Teach it with your photos: the learner's labelled photos, what the network said about each
before and says now, and a training that adds them to the training photos."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.base import course, text
from core.data import image_folders
from core.engine import image_classifier
from core.real_world_images import teaching, trainings
from ui import components, i18n
from ui.real_world_images import lesson_record, photo_sources, problems

LESSON = course.REAL_WORLD_IMAGES
# Where a teaching starts: the radio's values, which the code compares; shown in the page's language.
START_FROM = ("This network's weights (fine-tune)", "Scratch (train again with all its epochs)")
START_FROM_WORDS = dict(zip(START_FROM, ("fine_tune", "scratch"), strict=True))


def teach_ui(
    run: image_classifier.TrainedRun,
    folder: image_folders.ImageFolder,
    validation_folder: image_folders.ImageFolder | None,
) -> None:
    """The learner's photos with the current run's answers, then a form that trains with them."""
    words = i18n.words()
    record = lesson_record.record()
    own = record.own_photos
    st.subheader(words("real_world_images.teach.header"))
    if not own:
        st.caption(words("real_world_images.teach.empty"))
        return
    intro = "real_world_images.teach.intro_one" if len(own) == 1 else "real_world_images.teach.intro_many"
    st.markdown(words(intro, count=len(own), copies=teaching.COPIES_PER_PHOTO))
    squares = teaching.own_images(own, run.config.image_size)
    runs = components.session_runs(LESSON)
    current = runs[-1].number if runs else 0
    own_photos_ui(run, own, squares, folder.class_names, current)
    with st.form("rw_teach"):
        mode_column, epochs_column = st.columns(2)
        mode = mode_column.radio(
            words("real_world_images.teach.start_from"),
            START_FROM,
            format_func=lambda option: words(f"real_world_images.teach.{START_FROM_WORDS[option]}"),
            key="rw_teach_mode",
        )
        epochs = epochs_column.slider(
            words("real_world_images.teach.epochs"), *teaching.FINE_TUNE_EPOCHS, 3, key="rw_teach_epochs"
        )
        submitted = st.form_submit_button(
            words("real_world_images.teach.submit"), type="primary", icon=":material/school:"
        )
    if not submitted:
        return
    fine_tune = mode == START_FROM[0]
    config = trainings.teaching_config(run.config, len(own), fine_tune, epochs, current)
    labels = trainings.own_labels(own)
    taught_with = {**record.taught_with, config: (squares, labels)}
    record.taught_with = dict(list(taught_with.items())[-3:])  # the latest few runs' photos
    classes = len(folder.class_names)
    validation_count = len(validation_folder.files) if validation_folder is not None else 0
    try:  # the learner's photos and their copies count too, before anything is decoded
        trainings.check_teaching_memory(config, classes, len(folder.files), validation_count, len(own))
    except ValueError as problem:
        st.error(problems.said(problem), icon=":material/memory:")
        return
    training_photos = photo_sources.photos_at(folder, config.image_size)
    validation_photos = (
        photo_sources.photos_at(validation_folder, config.image_size) if validation_folder is not None else None
    )
    start_weights = run.model.get_weights() if fine_tune else None
    photos_now = trainings.photos_to_train_on(training_photos, classes, validation_photos)
    components.start_training(LESSON, trainings.teaching_job(config, photos_now, squares, labels, start_weights))


def own_photos_ui(
    run: image_classifier.TrainedRun,
    own: tuple[teaching.OwnPhoto, ...],
    squares: np.ndarray,
    class_names: tuple[str, ...],
    current: int,
) -> None:
    """Four to a row: each photo, what the network said when it was added and what run `current`
    says now about it (`squares`: the photos as the network sees them), and a way to remove it."""
    words = i18n.words()
    now = image_classifier.predict_probabilities(run.model, squares, run.config.input_scale)
    for start in range(0, len(own), 4):
        for column, photo, probabilities in zip(
            st.columns(4), own[start : start + 4], now[start : start + 4], strict=False
        ):
            with column.container(border=True):
                really = words("real_world_images.teach.really", name=photo.name, class_name=class_names[photo.label])
                st.image(photo.picture, caption=text.plain(really))
                st.markdown(teaching.before_and_now(photo, probabilities, class_names, current, words=words))
                if st.button(
                    words("real_world_images.teach.remove"), key=f"rw_remove/{photo.key}", icon=":material/delete:"
                ):
                    record = lesson_record.record()
                    record.own_photos = tuple(kept for kept in own if kept.key != photo.key)
                    st.rerun()
