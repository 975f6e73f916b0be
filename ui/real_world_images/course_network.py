"""The course's network on Lesson 4's page: its settings, and the photos it trains on, costed from
the folder's counts before a single photo is decoded."""

from __future__ import annotations

import streamlit as st

from core.base import limits, text
from core.data import image_folders
from core.real_world_images import network, trainings
from ui import components, i18n
from ui.real_world_images import photo_sources, problems


def settings_ui() -> tuple[network.RealWorldConfig, bool]:
    """The network and its training, in a form so that moving a slider does not retrain; every
    setting is kept in the page's address, so a link shares the experiment."""
    words = i18n.words()
    with st.form("rw_settings"):
        network_column, training_column = st.columns(2)
        with network_column:
            size = st.radio(
                words("real_world_images.settings.image_size"),
                [150, 300],
                horizontal=True,
                key="rw_size",
                bind="query-params",
            )
            st.caption(words("real_world_images.settings.size_caption"))
            blocks = st.slider(
                words("real_world_images.settings.blocks"), 1, 5, 5, key="rw_blocks", bind="query-params"
            )
            augment = st.checkbox(
                words("real_world_images.settings.augment"), False, key="rw_augment", bind="query-params"
            )
        with training_column:
            learning_rate = st.select_slider(
                words("real_world_images.settings.learning_rate"),
                (0.0001, 0.0003, 0.001, 0.003),
                value=0.001,
                key="rw_lr",
                bind="query-params",
            )
            epochs = st.slider(
                words("real_world_images.settings.epochs"), 1, 30, 15, key="rw_epochs", bind="query-params"
            )
            batch_size = st.select_slider(
                words("real_world_images.settings.batch_size"),
                (8, 16, 32, 64, 128),
                value=32,
                key="rw_batch",
                bind="query-params",
            )
            split = st.slider(words("real_world_images.settings.split"), 0, 50, 20, key="rw_split", bind="query-params")
            bfloat16 = components.precision_ui("rw_bf16")
        submitted = st.form_submit_button(words("real_world_images.settings.train"), type="primary")
    config = network.RealWorldConfig(
        image_size=size,
        conv_blocks=blocks,
        learning_rate=learning_rate,
        epochs=epochs,
        batch_size=batch_size,
        validation_split=split / 100,
        augment=augment,
        bfloat16=bfloat16,
    )
    return config, submitted


def training_photos_ui(
    folder: image_folders.ImageFolder,
    validation_folder: image_folders.ImageFolder | None,
    config: network.RealWorldConfig,
) -> network.Photos | None:
    """The photos to train on, decoded at the chosen size once the training is known to fit: the
    network and the photos are costed from the folder's counts before a single photo is decoded
    (decoding 4,990 photos at 300×300 was the first big allocation). None, with the reason and what
    to change, when it does not fit."""
    words = i18n.words()
    classes = len(folder.class_names)
    validation_count = len(validation_folder.files) if validation_folder is not None else 0
    try:
        network.check_training_memory(config, classes, len(folder.files), validation_count)
    except ValueError as problem:  # refused before anything is decoded or built
        st.error(problems.said(problem), icon=":material/memory:")
        return None
    data = network.photo_cost(config, len(folder.files), validation_count)
    cost = words.say(limits.describe_message(network.cost(config, classes), config.batch_size, data))
    st.caption(words("real_world_images.training.cost", cost=cost))
    training_photos = photo_sources.photos_at(folder, config.image_size)
    for note in training_photos.skipped_said:
        st.caption(words("real_world_images.pictures.left_out", note=text.plain(words.say(note))))
    if len(set(training_photos.labels.tolist())) < 2:
        st.error(words("real_world_images.training.too_few"), icon=":material/broken_image:")
        st.stop()
    validation_photos = None
    if validation_folder is not None:
        validation_photos = photo_sources.photos_at(validation_folder, config.image_size)
        st.caption(words("real_world_images.training.validating_on", count=words.number(len(validation_photos.labels))))
    if config.augment:
        st.caption(words("real_world_images.training.augmented"))
        st.image(network.augmented_samples(training_photos.images[0], count=6), width=110)
    return trainings.photos_to_train_on(training_photos, classes, validation_photos)
