"""Lesson 4, "Using real-world images": horse-or-human, your own folders, and classifying uploads."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import streamlit as st

from core import (
    classifier_charts,
    course,
    feature_map_charts,
    hosting,
    image_classifier,
    image_folders,
    jobs,
    limits,
    text,
    uploads,
)
from core.real_world_images import course_download, exports, gradcam, network, photos
from pages import components, training_jobs

LESSON = course.REAL_WORLD_IMAGES
SOURCES = ("Local folder", "Upload a zip of class folders", "Download the course's horse-or-human", "Synthetic sample")


@st.cache_resource(show_spinner="Decoding the photos once...", max_entries=2)  # 300×300 photos take ~280 MB
def decoded(root: str, files: tuple, size: int) -> photos.DecodedPhotos:
    """Read-only arrays shared by the visitors who use the same folder; `files` keys the cache."""
    return photos.load_images(image_folders.ImageFolder(Path(root), (), files, ()), size)


@st.cache_resource(show_spinner="Drawing the synthetic sample...")
def synthetic_sample() -> image_folders.ImageFolder:
    return image_folders.make_synthetic_dataset(Path(tempfile.mkdtemp(prefix="synthetic-")), per_class=120)


def source_ui() -> image_folders.ImageFolder | None:
    """Where the pictures come from; every problem is a message, never a traceback."""
    default = 0 if os.environ.get(hosting.COURSE_FOLDER_VARIABLE) else 3
    folder_label = (
        "A folder on this computer"
        if hosting.any_folder_allowed(st.get_option("server.address"))
        else "A folder on this server"
    )
    source = st.radio(
        "Pictures",
        SOURCES,
        index=default,
        horizontal=True,
        key="rw_source",
        format_func=lambda option: folder_label if option == SOURCES[0] else option,
    )
    try:
        if source == SOURCES[0]:
            return folder_ui()
        if source == SOURCES[1]:
            upload = components.file_uploader(
                "A zip of class folders (e.g. horses/ and humans/)", key="rw_zip", types=["zip"]
            )
            if upload is None:
                return None
            # Unpacked into this session's own folder, which replaces its previous upload and is
            # deleted once the session has gone (core.session_files).
            space, learner = training_jobs.session_folders(), training_jobs.learner_id()
            unpacked = st.session_state.get("rw_unpacked")
            if not unpacked or unpacked[0] != upload.file_id or not unpacked[1].root.exists():
                st.session_state.pop("rw_unpacked", None)
                data = upload.getvalue()
                destination = space.fresh_folder(learner, needed_bytes=len(data))
                folder, notes = image_folders.extract_zip_safely(data, destination / "data")
                st.session_state["rw_unpacked"] = (upload.file_id, folder, notes)
            space.touch(learner)
            _, folder, notes = st.session_state["rw_unpacked"]
            for note in notes:
                st.caption(f"Skipped: {text.plain(note)}")
            return folder
        if source == SOURCES[2]:
            if (
                not st.button("Download (about 140 MB, once)", key="rw_download")
                and "rw_downloaded" not in st.session_state
            ):
                st.caption(
                    f"From {course_download.TRAINING_URL}, checked and kept in {course_download.CACHE_DIR} "
                    "for later runs."
                )
                return None
            bar = st.progress(0.0, text="Downloading...")
            training_folder, validation_folder = course_download.download_course_data(
                on_progress=lambda name, got, total: bar.progress(
                    min(1.0, got / total) if total else 0.0, text=f"Downloading {name}: {got / 1e6:.0f} MB"
                )
            )
            bar.empty()
            st.session_state["rw_downloaded"] = True
            st.session_state["rw_validation_folder"] = validation_folder
            return training_folder
        st.caption("Synthetic: circles and squares drawn by the app itself, so the lesson works offline.")
        return synthetic_sample()
    except (ValueError, ConnectionError) as problem:
        st.error(text.plain(problem), icon=":material/folder_off:")
        return None


def folder_ui() -> image_folders.ImageFolder | None:
    """A folder on this machine: any path for a learner running the app for themselves, only the
    operator's folders on a shared server (core.hosting says which this is)."""
    if hosting.any_folder_allowed(st.get_option("server.address")):
        path = st.text_input(
            "Folder with one sub-folder per class", os.environ.get(hosting.COURSE_FOLDER_VARIABLE, ""), key="rw_path"
        )
        return image_folders.scan_folder(Path(path)) if path else None
    folders = hosting.configured_folders()
    if not folders:
        st.info(
            "This server offers no training folders of its own. Upload a zip of class folders, or use the "
            "synthetic sample.",
            icon=":material/folder_off:",
        )
        return None
    name = st.selectbox("Training folder on this server", list(folders), key="rw_server_folder")
    st.caption("A shared server offers only the folders its operator set up; see the README to add yours.")
    return image_folders.scan_folder(folders[name])


def settings_ui() -> tuple[network.RealWorldConfig, bool]:
    with st.form("rw_settings"):
        network_column, training_column = st.columns(2)
        with network_column:
            size = st.radio("Image size", [150, 300], horizontal=True, key="rw_size", bind="query-params")
            st.caption("150×150 trains about four times faster on a CPU, as the course itself does later.")
            blocks = st.slider("Convolution blocks", 1, 5, 5, key="rw_blocks", bind="query-params")
            augment = st.checkbox(
                "Augmentation (random flips, rotations, zooms)", False, key="rw_augment", bind="query-params"
            )
        with training_column:
            learning_rate = st.select_slider(
                "RMSprop learning rate", (0.0001, 0.0003, 0.001, 0.003), value=0.001, key="rw_lr", bind="query-params"
            )
            epochs = st.slider("Epochs", 1, 30, 15, key="rw_epochs", bind="query-params")
            batch_size = st.select_slider(
                "Batch size", (8, 16, 32, 64, 128), value=32, key="rw_batch", bind="query-params"
            )
            split = st.slider("Held out for validation (%)", 0, 50, 20, key="rw_split", bind="query-params")
        submitted = st.form_submit_button("Train", type="primary")
    config = network.RealWorldConfig(
        image_size=size,
        conv_blocks=blocks,
        learning_rate=learning_rate,
        epochs=epochs,
        batch_size=batch_size,
        validation_split=split / 100,
        augment=augment,
    )
    return config, submitted


st.title(LESSON.heading)
training_jobs.jobs_indicator_ui()
st.markdown(
    "Fashion-MNIST was tidy: small grey images, the item centred. Real photos are large, in colour, and the "
    "subject can be anywhere, at any size, on any background. Here the course's network learns from folders of "
    "photos, where each sub-folder's name is the label, and then you show it pictures of your own."
)

folder = source_ui()
if folder is None:
    st.stop()
# The course's separate validation set comes with the download; other sources hold out a split.
validation_folder = (
    st.session_state.get("rw_validation_folder") if st.session_state.get("rw_source") == SOURCES[2] else None
)

st.subheader("The pictures")
counts = st.columns(len(folder.class_names))
for column, (name, count) in zip(counts, folder.counts.items(), strict=True):
    column.metric(text.plain(name), f"{count:,} images")
for note in folder.skipped:  # what the scan left out, by name, before anything was decoded
    st.caption(f"Left out: {text.plain(note)}")
sizes = photos.image_sizes(folder)
st.caption("Sizes in a sample: " + ", ".join(f"{size} ({count})" for size, count in sizes.items()))
for label, name in enumerate(folder.class_names):
    members = [path for path, index in folder.files if index == label]
    paths = members[:: max(1, len(members) // 8)][:8]  # spread over the folder, not one sequence
    # Previews through the guarded decoder: a path handed to st.image is decoded whole, unchecked.
    st.image(photos.thumbnails(paths), caption=[text.plain(name)] * len(paths), width=110)
st.markdown(
    "Unlike Fashion-MNIST, no two photos are framed alike, so the network has to learn what a horse *is*, "
    "not where its pixels usually are. That needs more filters and more layers, and it overfits easily."
)

st.subheader("Train the course's network")
config, submitted = settings_ui()
components.experiment_link_ui(LESSON)
cost = network.cost(config, len(folder.class_names))
try:
    network.check_cost(config, len(folder.class_names))
    st.caption(f"This network: {limits.describe(cost, config.batch_size)}.")
except ValueError as problem:  # refused before anything is built or decoded
    st.error(str(problem), icon=":material/memory:")
    submitted = False
training_photos = decoded(str(folder.root), folder.files, config.image_size)
images, labels = training_photos.images, training_photos.labels
for note in training_photos.skipped:
    st.caption(f"Left out: {text.plain(note)}")
if len(set(labels.tolist())) < 2:
    st.error("Too few of these photos could be read to train on two classes.", icon=":material/broken_image:")
    st.stop()
validation = None
if validation_folder is not None:
    validation_photos = decoded(str(validation_folder.root), validation_folder.files, config.image_size)
    validation = (validation_photos.images, validation_photos.labels)
    st.caption(f"Validating on the course's separate validation set ({len(validation[1])} photos), not a split.")
if config.augment:
    st.caption("What augmentation shows the network of one photo on different epochs:")
    st.image(network.augmented_samples(images[0], count=6), width=110)

if submitted:
    classes = len(folder.class_names)
    job = jobs.TrainingJob(
        LESSON.key,
        config,
        build=network.build_training,
        make_model=network.ModelMaker(classes),
        data=network.Photos(images, labels, classes, validation),
    )
    components.start_training(LESSON, job)
run = components.training_ui(LESSON)
if run is None:
    st.info("Press **Train**. With 150×150 photos, 15 epochs take about a minute here.")
    st.stop()

overfitting = network.overfitting_note(run.history)
if overfitting:
    st.warning(overfitting, icon=":material/psychology_alt:")
components.classifier_results_ui(LESSON, run, folder.class_names)

st.header("Classify your own photos")
first_class, last_class = text.plain(folder.class_names[0]), text.plain(folder.class_names[-1])
st.markdown(
    "The network's single output is a probability between 0 and 1. Above **0.5** it says "
    f"**{last_class}**, below it says **{first_class}**. Try photos unlike the training set "
    "(a real horse, a person in a costume): this is where you see what it really learned."
)
photo_uploads = components.file_uploader(
    "Photos (JPEG, PNG or WebP)", key="rw_photos", types=["jpg", "jpeg", "png", "webp"], accept_multiple_files=True
)
model = run.model
for upload in photo_uploads or []:
    try:
        photo = uploads.square_photo_from_upload(upload.getvalue(), run.config.image_size)
    except ValueError as problem:
        st.error(text.plain(f"{upload.name}: {problem}"), icon=":material/broken_image:")
        continue
    probabilities = image_classifier.classify(model, photo, run.config.input_scale)
    said = int(np.argmax(probabilities))
    photo_column, heat_column, bars_column = st.columns([1, 1, 2])
    photo_column.image(photo, caption=text.plain(f"{upload.name}: {folder.class_names[said]}"))
    heat_column.image(
        gradcam.heatmap_overlay(photo, gradcam.gradcam(model, photo, run.config.input_scale)),
        caption="where it looked (Grad-CAM)",
    )
    bars_column.plotly_chart(
        classifier_charts.probability_bars(
            probabilities, folder.class_names, said, title="What the network says (green: its answer)"
        ),
        key=f"rw_bars/{upload.file_id}",
    )
    with st.expander(f"Inside the network for {text.plain(upload.name)}"):
        names = [layer.name for layer in image_classifier.feature_layers(model)]
        maps = image_classifier.feature_maps(model, photo, run.config.input_scale)
        filter_index = st.slider("Filter", 0, 15, 0, key=f"rw_filter/{upload.file_id}")
        grey = photo.mean(axis=-1)[np.newaxis]
        st.plotly_chart(
            feature_map_charts.feature_map_grid(grey, [m[..., :16] for m in maps], names, filter_index),
            theme=None,
            key=f"rw_maps/{upload.file_id}",
        )

st.subheader("Take it with you")
export_model, export_history = st.columns(2)
export_model.download_button(  # the file is written only when asked for, and never kept in the session
    "Download the model (.keras)", lambda: exports.model_file(model), file_name="real_world.keras"
)
export_history.download_button(
    "Download the history (CSV)", exports.history_csv(run.history), file_name="history.csv", mime="text/csv"
)
st.caption("The app never loads a model file you upload: opening an untrusted .keras file can run code.")
components.runs_ui(LESSON, log_scale=False)
components.show_code_ui(network.make_script(run.config, len(folder.class_names)), "real_world.py")
