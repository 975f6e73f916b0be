"""Lesson 4, "Using real-world images": horse-or-human, your own folders, and classifying uploads."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import streamlit as st

from core.base import course, hosting, jobs, limits, text
from core.charts import classifier_charts, feature_map_charts
from core.data import image_folders, uploads
from core.engine import image_classifier
from core.real_world_images import (
    course_download,
    exercise,
    exports,
    familiarity,
    gradcam,
    network,
    photos,
    teaching,
)
from ui import components, exercise_record, training_jobs

LESSON = course.REAL_WORLD_IMAGES
DIAGNOSIS_STYLE = {  # how loudly each reading of the curves is shown
    network.Learning.NOT_LEARNING: st.warning,
    network.Learning.STILL_LEARNING: st.info,
    network.Learning.OVERFITTING: st.warning,
    network.Learning.GENERALISES: st.success,
}
TILES_PER_ROW = 5  # the classes' photo counts; the lesson takes up to network.PHOTO_LIMITS.max_classes
SOURCES = ("Local folder", "Upload a zip of class folders", "Download the course's horse-or-human", "Synthetic sample")


@st.cache_resource(show_spinner="Decoding the photos once...", max_entries=2)  # 300×300 photos take ~280 MB
def decoded(root: str, files: tuple, size: int) -> photos.DecodedPhotos:
    """Read-only arrays shared by the visitors who use the same folder of the server's (the course's,
    the operator's, the synthetic sample); `files` keys the cache."""
    return photos.load_images(image_folders.ImageFolder(Path(root), (), files, ()), size)


def photos_at(folder: image_folders.ImageFolder, size: int) -> photos.DecodedPhotos:
    """The folder's photos decoded at `size`. The server's own folders are decoded once for every
    visitor. A visitor's upload is theirs alone: its photos live in their session, at two sizes at
    most, and go with it; in the shared cache a closed tab's upload stayed until two other folders
    pushed it out."""
    unpacked = st.session_state.get("rw_unpacked")
    if unpacked is None or unpacked[1].root != folder.root:
        return decoded(str(folder.root), folder.files, size)
    kept: dict[int, photos.DecodedPhotos] = st.session_state.get("rw_upload_photos", {})
    if size not in kept:
        with st.spinner("Decoding the photos once..."):
            kept = {**kept, size: photos.load_images(folder, size)}
        st.session_state["rw_upload_photos"] = dict(list(kept.items())[-2:])
    return kept[size]


@st.cache_resource(show_spinner=False, max_entries=32)
def previews(paths: tuple[Path, ...], side: int = 110) -> list[np.ndarray]:
    """Thumbnails decoded once per folder, not on every page run (a class reruns pages often);
    the paths key it, and each visitor's unpacked uploads sit in a private folder of their own."""
    return photos.thumbnails(list(paths), side)


@st.cache_data(show_spinner=False, max_entries=32)
def sizes_in(root: str, files: tuple) -> dict[str, int]:
    return photos.image_sizes(image_folders.ImageFolder(Path(root), (), files, ()))


@st.cache_resource(show_spinner="Drawing the synthetic sample...")
def synthetic_sample() -> image_folders.ImageFolder:
    return image_folders.make_synthetic_dataset(Path(tempfile.mkdtemp(prefix="synthetic-")))


def source_ui() -> image_folders.ImageFolder | None:
    """Where the pictures come from; every problem is a message, never a traceback. The course's
    photos come first: the operator's folder, else the course's download once it is cached, else
    the synthetic sample, named as the stand-in it is, with the download offered above it."""
    cached = course_download.cached_course_data()
    default = 0 if os.environ.get(hosting.COURSE_FOLDER_VARIABLE) else 2 if cached else 3
    folder_label = (
        "A folder on this computer"
        if hosting.any_folder_allowed(st.get_option("server.address"))
        else "A folder on this server"
    )
    # The default goes through the session, as "Download the course's photos" sets it: a widget
    # given both a default and a session value makes Streamlit warn.
    st.session_state.setdefault("rw_source", SOURCES[default])
    source = st.radio(
        "Pictures",
        SOURCES,
        horizontal=True,
        key="rw_source",
        format_func=lambda option: folder_label if option == SOURCES[0] else option,
    )
    try:
        if source == SOURCES[0]:
            folder = folder_ui()
        elif source == SOURCES[1]:
            folder = uploaded_zip_ui()
        elif source == SOURCES[2]:
            folder = course_download_ui(cached)
        else:
            synthetic_notice_ui()
            folder = synthetic_sample()
        if folder is not None:  # before a tile, a preview or a photo is drawn or decoded
            network.PHOTO_LIMITS.check(len(folder.class_names), len(folder.files))
        return folder
    except (ValueError, ConnectionError) as problem:
        st.error(text.plain(problem), icon=":material/folder_off:")
        return None


def uploaded_zip_ui() -> image_folders.ImageFolder | None:
    """A zip of class folders, unpacked into this session's own folder, which replaces its previous
    upload and is deleted once the session has gone (core.base.session_files)."""
    upload = components.file_uploader("A zip of class folders (e.g. horses/ and humans/)", key="rw_zip", types=["zip"])
    caps = network.PHOTO_LIMITS
    st.caption(f"Up to {caps.max_uploaded_photos:,} photos in up to {caps.max_classes} class folders.")
    if upload is None:
        return None
    refused = st.session_state.get("rw_refused_zip")
    if refused is not None and refused[0] == upload.file_id:  # said once; not unpacked again on every rerun
        raise ValueError(refused[1])
    space, learner = training_jobs.session_folders(), training_jobs.learner_id()
    unpacked = st.session_state.get("rw_unpacked")
    if not unpacked or unpacked[0] != upload.file_id or not unpacked[1].root.exists():
        st.session_state.pop("rw_unpacked", None)
        st.session_state.pop("rw_upload_photos", None)  # the previous upload's
        data = upload.getvalue()
        destination = space.fresh_folder(learner, needed_bytes=len(data))
        try:
            folder, notes = image_folders.extract_zip_safely(data, destination / "data")
            caps.check(len(folder.class_names), len(folder.files), uploaded=True)  # before anything is drawn
        except ValueError as problem:
            space.release(learner)
            st.session_state["rw_refused_zip"] = (upload.file_id, str(problem))
            raise
        st.session_state["rw_unpacked"] = (upload.file_id, folder, notes)
    space.touch(learner)
    _, folder, notes = st.session_state["rw_unpacked"]
    for note in notes:
        st.caption(f"Skipped: {text.plain(note)}")
    return folder


def course_download_ui(
    cached: tuple[image_folders.ImageFolder, image_folders.ImageFolder] | None,
) -> image_folders.ImageFolder | None:
    """The course's training and validation photos: from the cache at once, else one press away."""
    pressed_before = st.session_state.pop("rw_download_now", False)  # "Download the course's photos" below
    if cached is None and "rw_downloaded" not in st.session_state:
        # The button stays on screen while downloading, so a failed download can be tried again.
        pressed = st.button("Download (about 140 MB, once)", key="rw_download", type="primary")
        if not (pressed or pressed_before):
            kept = course_download.kept_where(hosting.any_folder_allowed(st.get_option("server.address")))
            st.caption(
                f"From {course_download.TRAINING_URL} and its validation set, checked and kept {kept} for later "
                "runs."
            )
            return None
    if cached is None:
        bar = st.progress(0.0, text="Downloading...")
        try:
            cached = course_download.download_course_data(
                on_progress=lambda name, got, total: bar.progress(
                    min(1.0, got / total) if total else 0.0, text=f"Downloading {name}: {got / 1e6:.0f} MB"
                )
            )
        except ConnectionError as problem:
            bar.empty()
            raise ConnectionError(
                f"{problem} Without internet, use the synthetic sample, a zip of class folders you upload, or a folder."
            ) from None
        bar.empty()
    st.session_state["rw_downloaded"] = True
    training_folder, st.session_state["rw_validation_folder"] = cached
    kept = course_download.kept_where(hosting.any_folder_allowed(st.get_option("server.address")))
    st.caption(f"The course's horse-or-human photos, kept {kept}; validated on its separate validation set.")
    return training_folder


def use_course_download() -> None:
    st.session_state["rw_source"] = SOURCES[2]
    st.session_state["rw_download_now"] = True


def synthetic_notice_ui() -> None:
    """The synthetic sample is a stand-in for the course's photos, and says so before anything else."""
    with st.container(border=True):
        st.markdown(
            "**This is a stand-in.** Circles and squares drawn by the app, at any place and size, in any colours, "
            "on busy backgrounds, so the lesson works offline. The course's own photos of horses and humans "
            "(1,027 to train on, 256 to validate) are one download away."
        )
        st.button(
            "Download the course's photos (about 140 MB, once)",
            key="rw_offer_download",
            icon=":material/download:",
            on_click=use_course_download,
        )


def folder_ui() -> image_folders.ImageFolder | None:
    """A folder on this machine: any path for a learner running the app for themselves, only the
    operator's folders on a shared server (core.base.hosting says which this is)."""
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
            bfloat16 = components.precision_ui("rw_bf16")
        submitted = st.form_submit_button("Train", type="primary")
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


def try_these(class_names) -> str:
    """What to show the network, in the words of the classes it knows."""
    names = tuple(str(name).lower() for name in class_names)
    if names == familiarity.SYNTHETIC:
        return "Try a drawing of your own, a real round thing (a coin, a plate), or any photo at all."
    if names == familiarity.HORSE_OR_HUMAN:
        return (
            "Try photos unlike the training set: a real horse in a field, people in an office, a person in a costume."
        )
    return "Try photos unlike the ones in your folder: other backgrounds, other lighting, other framing."


def what_to_learn(folder: image_folders.ImageFolder) -> str:
    """The lesson's point in the words of the classes on screen."""
    names = tuple(str(name).lower() for name in folder.class_names)
    if names == familiarity.SYNTHETIC:
        return "what a circle *is*, wherever it is drawn and whatever its colours"
    if names == familiarity.HORSE_OR_HUMAN:
        return "what a horse *is*"
    return "what each class *is*"


def photos_to_classify_ui() -> list[tuple[str, str, np.ndarray]]:
    """The learner's uploads and camera shot, decoded by the guarded decoder with their aspect
    ratio kept: (key, name, picture) each. A file that cannot be used is a message."""
    photo_uploads = components.file_uploader(
        "Photos (JPEG, PNG or WebP)", key="rw_photos", types=["jpg", "jpeg", "png", "webp"], accept_multiple_files=True
    )
    shot = components.camera_ui("Take a photo to classify", key="rw_camera")
    candidates = []
    for upload, name in [
        *((upload, upload.name) for upload in photo_uploads or []),
        *([(shot, "camera photo")] if shot else []),
    ]:
        try:
            candidates.append((upload.file_id, name, uploads.photo_from_upload(upload.getvalue())))
        except ValueError as problem:
            st.error(text.plain(f"{name}: {problem}"), icon=":material/broken_image:")
    return candidates


def training_memory(
    run: image_classifier.TrainedRun, images: np.ndarray, labels: np.ndarray, separate_validation: bool
) -> familiarity.TrainingMemory:
    """The run's training photos as its network sees them, measured once per run and kept in
    this session (a few MB), with the learner's own photos when the run was taught them."""
    kept = st.session_state.get("rw_memory")
    if kept is not None and kept[0] is run:
        return kept[1]
    st.session_state.pop("rw_memory", None)
    if separate_validation:
        train_indices = np.arange(len(labels))
    else:
        train_indices, _ = image_classifier.split_validation(labels, run.config.validation_split, run.config.seed)
    own_images, own_labels = st.session_state.get("rw_taught_with", {}).get(run.config, (None, None))
    train_images, train_labels = images[train_indices], labels[train_indices]
    if own_images is not None and len(own_images):
        train_images = np.concatenate([train_images, own_images])
        train_labels = np.concatenate([train_labels, own_labels.astype(train_labels.dtype)])
        train_indices = np.concatenate([train_indices, len(labels) + np.arange(len(own_images))])
    held_out = run.held_out.images if run.held_out.name != "training" else None
    with st.spinner("Measuring the training photos as the network sees them (once per run)..."):
        memory = familiarity.remember(
            run.model, train_images, train_labels, train_indices, held_out, run.config.input_scale
        )
    st.session_state["rw_memory"] = (run, memory, own_images)  # the run's own photos, to show them
    return memory


def training_photo(index: int, images: np.ndarray) -> np.ndarray:
    """A training photo by its index in the memory: the folder's photos, then the learner's own."""
    if index < len(images):
        return images[index]
    _, _, own_images = st.session_state["rw_memory"]
    return own_images[index - len(images)]


def classified_photo_ui(
    run: image_classifier.TrainedRun,
    class_names: Sequence[str],
    key: str,
    name: str,
    picture: np.ndarray,
    square: np.ndarray,
    result: familiarity.Familiarity,
    run_photos: photos.DecodedPhotos,
    memory: familiarity.TrainingMemory,
    explain: bool,
) -> bool:
    """One classified photo: the picture (its own shape) and where the network looked, its answer,
    how unlike the training photos it is with the nearest of them, a way to teach it the right
    answer, and the network's insides. Returns whether it explained why the network fails."""
    model = run.model
    probabilities = image_classifier.classify(model, square, run.config.input_scale)
    said = int(np.argmax(probabilities))
    photo_column, heat_column, bars_column = st.columns([1, 1, 2])
    photo_column.image(picture, caption=text.plain(f"{name}: {class_names[said]}"))
    heat, side = gradcam.gradcam(model, square, run.config.input_scale), run.config.image_size
    heat_column.image(
        gradcam.heatmap_overlay(picture, gradcam.resized(heat, picture.shape[:2])),
        caption=f"where it looked (Grad-CAM); the network sees the photo squashed to {side}×{side}",
    )
    bars_column.plotly_chart(
        classifier_charts.probability_bars(
            probabilities, class_names, said, title="What the network says (green: its answer)"
        ),
        key=f"rw_bars/{key}",
    )
    verdict = familiarity.verdict(result, float(probabilities[said]))
    if result.unfamiliar:
        st.warning(verdict, icon=":material/help_center:")
        if explain:
            st.info(familiarity.why_it_fails(class_names), icon=":material/lightbulb:")
    else:
        st.caption(verdict)
    st.caption(
        f"The {len(result.nearest)} training photos nearest to it, as the network sees them (distance 0 is identical; "
        f"the held-out photos lie up to {memory.threshold:.3f} from their nearest):"
    )
    st.image(
        [training_photo(int(index), run_photos.images) for index in result.nearest],
        caption=[
            text.plain(f"{class_names[label]} · {distance:.3f}")
            for label, distance in zip(result.nearest_labels, result.nearest_distances, strict=True)
        ],
        width=96,
    )
    add_to_class_ui(class_names, key, name, picture, probabilities)
    with st.expander(f"Inside the network for {text.plain(name)}"):
        names = [layer.name for layer in image_classifier.feature_layers(model)]
        maps = image_classifier.feature_maps(model, square, run.config.input_scale)
        filter_index = st.slider("Filter", 0, 15, 0, key=f"rw_filter/{key}")
        grey = square.mean(axis=-1)[np.newaxis]
        st.plotly_chart(
            feature_map_charts.feature_map_grid(grey, [m[..., :16] for m in maps], names, filter_index),
            theme=None,
            key=f"rw_maps/{key}",
        )
    return result.unfamiliar and explain


def add_to_class_ui(
    class_names: Sequence[str], key: str, name: str, picture: np.ndarray, probabilities: np.ndarray
) -> None:
    """ "It is really a ...": the photo joins the learner's own photos with the right label."""
    own = st.session_state.get("rw_own_photos", ())
    label_column, button_column = st.columns([2, 1], vertical_alignment="bottom")
    label = label_column.selectbox(
        "Teach it: this photo really is",
        range(len(class_names)),
        index=None,  # the learner says, not the network's answer by default
        format_func=lambda i: text.plain(class_names[i]),
        placeholder="Choose its class",
        key=f"rw_truth/{key}",
    )
    if button_column.button(
        "Add to my photos", key=f"rw_add/{key}", icon=":material/add_photo_alternate:", disabled=label is None
    ):
        runs = components.session_runs(LESSON)
        photo = teaching.OwnPhoto(
            key, name, picture, int(label), tuple(float(p) for p in probabilities), runs[-1].number if runs else 0
        )
        try:
            own = st.session_state["rw_own_photos"] = teaching.add_own_photo(own, photo)
        except ValueError as problem:
            st.warning(str(problem), icon=":material/photo_library:")
    added = next((photo for photo in own if photo.key == key), None)
    if added is not None:
        st.caption(text.plain(f"In your photos as {class_names[added.label]}: see Teach it with your photos below."))


def teach_ui(
    run: image_classifier.TrainedRun,
    folder: image_folders.ImageFolder,
    validation_folder: image_folders.ImageFolder | None,
) -> None:
    """Teach it with your photos: the learner's labelled photos, what the network said about each
    before and says now, and a training run that adds them to the training photos."""
    own: tuple[teaching.OwnPhoto, ...] = st.session_state.get("rw_own_photos", ())
    st.subheader("Teach it with your photos")
    if not own:
        st.caption(
            'Add a classified photo above to one of the classes ("Teach it: this photo really is"), then train the '
            "network again with your photos among its training photos. Your photos stay in this browser session."
        )
        return
    st.markdown(
        f"{'Your photo joins' if len(own) == 1 else f'Your {len(own)} photos join'} the training photos. "
        "A handful among a thousand "
        f"would barely count, so each is shown {teaching.COPIES_PER_PHOTO} times per epoch, each time randomly "
        "flipped, turned and zoomed. The network is still scored on the same held-out photos: watch whether "
        "teaching it yours costs it anything there."
    )
    size, class_names = run.config.image_size, folder.class_names
    squares = teaching.own_images(own, size)
    now = image_classifier.predict_probabilities(run.model, squares, run.config.input_scale)
    runs = components.session_runs(LESSON)
    current = runs[-1].number if runs else 0
    for start in range(0, len(own), 4):
        for column, photo, probabilities in zip(
            st.columns(4), own[start : start + 4], now[start : start + 4], strict=False
        ):
            with column.container(border=True):
                st.image(photo.picture, caption=text.plain(f"{photo.name}: really {class_names[photo.label]}"))
                before = int(np.argmax(photo.before))
                said = int(np.argmax(probabilities))
                st.markdown(
                    f"Run {photo.before_run} said {text.plain(class_names[before])} ({photo.before[before]:.0%})  \n"
                    f"**Run {current} says {text.plain(class_names[said])} ({probabilities[said]:.0%})** "
                    + (":green[right]" if said == photo.label else ":red[wrong]")
                )
                if st.button("Remove", key=f"rw_remove/{photo.key}", icon=":material/delete:"):
                    st.session_state["rw_own_photos"] = tuple(kept for kept in own if kept.key != photo.key)
                    st.rerun()
    with st.form("rw_teach"):
        mode_column, epochs_column = st.columns(2)
        mode = mode_column.radio(
            "Start from",
            ["This network's weights (fine-tune)", "Scratch (train again with all its epochs)"],
            key="rw_teach_mode",
        )
        epochs = epochs_column.slider("Fine-tuning epochs", *teaching.FINE_TUNE_EPOCHS, 3, key="rw_teach_epochs")
        submitted = st.form_submit_button("Teach it", type="primary", icon=":material/school:")
    if not submitted:
        return
    fine_tune = mode.startswith("This network")
    config = dataclasses.replace(
        run.config,
        epochs=epochs if fine_tune else run.config.epochs,
        own_photos=len(own),
        from_run=(current or None) if fine_tune else None,
    )
    labels = np.array([photo.label for photo in own], dtype=photos.LABEL_DTYPE)
    taught_with = {**st.session_state.get("rw_taught_with", {}), config: (squares, labels)}
    st.session_state["rw_taught_with"] = dict(list(taught_with.items())[-3:])  # the latest few runs' photos
    classes = len(class_names)
    added = len(own) * teaching.COPIES_PER_PHOTO
    validation_count = len(validation_folder.files) if validation_folder is not None else 0
    try:  # the learner's photos and their copies count too, before anything is decoded
        network.check_training_memory(config, classes, len(folder.files), validation_count, added)
    except ValueError as problem:
        st.error(str(problem), icon=":material/memory:")
        return
    training_photos = photos_at(folder, size)
    validation = None
    if validation_folder is not None:
        validation_photos = photos_at(validation_folder, size)
        validation = (validation_photos.images, validation_photos.labels)
    job = jobs.TrainingJob(
        LESSON.key,
        config,
        build=teaching.build_teaching,
        make_model=network.ModelMaker(classes),
        data=teaching.Teaching(
            network.Photos(training_photos.images, training_photos.labels, classes, validation),
            squares,
            labels,
            start_weights=run.model.get_weights() if fine_tune else None,
        ),
    )
    components.start_training(LESSON, job)


def training_photos_ui(
    folder: image_folders.ImageFolder,
    validation_folder: image_folders.ImageFolder | None,
    config: network.RealWorldConfig,
) -> network.Photos | None:
    """The photos to train on, decoded at the chosen size once the training is known to fit: the
    network and the photos are costed from the folder's counts before a single photo is decoded
    (decoding 4,990 photos at 300×300 was the first big allocation). None, with the reason and what
    to change, when it does not fit."""
    classes = len(folder.class_names)
    validation_count = len(validation_folder.files) if validation_folder is not None else 0
    try:
        network.check_training_memory(config, classes, len(folder.files), validation_count)
    except ValueError as problem:  # refused before anything is decoded or built
        st.error(str(problem), icon=":material/memory:")
        return None
    data = network.photo_cost(config, len(folder.files), validation_count)
    st.caption(f"This network: {limits.describe(network.cost(config, classes), config.batch_size, data)}.")
    training_photos = photos_at(folder, config.image_size)
    images, labels = training_photos.images, training_photos.labels
    for note in training_photos.skipped:
        st.caption(f"Left out: {text.plain(note)}")
    if len(set(labels.tolist())) < 2:
        st.error("Too few of these photos could be read to train on two classes.", icon=":material/broken_image:")
        st.stop()
    validation = None
    if validation_folder is not None:
        validation_photos = photos_at(validation_folder, config.image_size)
        validation = (validation_photos.images, validation_photos.labels)
        st.caption(f"Validating on the course's separate validation set ({len(validation[1])} photos), not a split.")
    if config.augment:
        st.caption("What augmentation shows the network of one photo on different epochs:")
        st.image(network.augmented_samples(images[0], count=6), width=110)
    return network.Photos(images, labels, classes, validation)


@st.cache_resource(show_spinner="Drawing 80 faces...")
def drawn_faces() -> image_folders.ImageFolder:
    return exercise.draw_faces(Path(tempfile.mkdtemp(prefix="faces-")))


def faces_ui() -> image_folders.ImageFolder | None:
    """The exercise's 80 faces: drawn by the app (offline), or the course's archive downloaded."""
    source = st.radio(
        "Faces",
        ["Drawn by the app (works offline)", "The course's happy-or-sad (download, about 2 MB)"],
        horizontal=True,
        key="rwx_source",
    )
    if source.startswith("Drawn"):
        return drawn_faces()
    if not st.button("Download", key="rwx_download") and "rwx_faces" not in st.session_state:
        kept = course_download.kept_where(hosting.any_folder_allowed(st.get_option("server.address")))
        st.caption(f"From {exercise.URL}, checked and kept {kept}.")
        return None
    try:
        folder = course_download.download_archive(exercise.URL, course_download.CACHE_DIR)
    except (ValueError, ConnectionError, OSError) as problem:
        st.error(text.plain(f"{problem} The drawn faces work without internet."), icon=":material/cloud_off:")
        return None
    st.session_state["rwx_faces"] = True
    return folder


def exercise_ui() -> None:
    """Week 4's graded exercise: happy or sad, stopped by the callback at 99.9%."""
    with components.exercise_panel(LESSON, exercise.EXERCISE, key="rw_exercise") as opened:
        faces = faces_ui() if opened else None
        if faces is not None and tuple(name.lower() for name in faces.class_names) != exercise.CLASSES:
            st.error("The faces must be in two folders, happy/ and sad/.", icon=":material/folder_off:")
            faces = None
        if faces is not None:
            members = [path for path, _ in faces.files]
            st.image(previews(tuple(members[:: max(1, len(members) // 8)][:8]), side=80), width=80)
            with st.form("rw_exercise_settings"):
                model_column, training_column = st.columns(2)
                blocks = model_column.slider("Convolution blocks", 1, 5, 3, key="rwx_blocks")
                learning_rate = model_column.select_slider(
                    "RMSprop learning rate", (0.0001, 0.001, 0.01), value=0.001, key="rwx_lr"
                )
                epochs = training_column.slider("Epochs", 1, 30, exercise.EPOCHS, key="rwx_epochs")
                callback = components.callback_ui("rwx_callback", exercise.TARGET)
                submitted = st.form_submit_button("Train and grade", type="primary")
            if submitted:
                config = exercise.exercise_config(blocks, learning_rate, epochs, callback)
                face_photos = photos_at(faces, config.image_size)
                job = jobs.TrainingJob(
                    LESSON.key,
                    config,
                    build=network.build_training,
                    make_model=network.ModelMaker(2),
                    data=network.Photos(face_photos.images, face_photos.labels, 2),
                )
                components.start_exercise(LESSON, job, callback)
            attempt = components.exercise_attempt_ui(LESSON)
            if attempt is not None:
                run, callback = attempt
                exercise_record.grade_ui(exercise.grade_happy_or_sad(run.config, callback, run.history))


st.title(LESSON.heading)
training_jobs.jobs_indicator_ui()
st.markdown(
    "Fashion-MNIST was tidy: small grey images, the item centred. Real photos are large, in colour, and the "
    "subject can be anywhere, at any size, on any background. Here the course's network learns from folders of "
    "photos, where each sub-folder's name is the label, and then you show it pictures of your own."
)
exercise_ui()

folder = source_ui()
if folder is None:
    st.stop()
# The course's separate validation set comes with the download; other sources hold out a split.
validation_folder = (
    st.session_state.get("rw_validation_folder") if st.session_state.get("rw_source") == SOURCES[2] else None
)

st.subheader("The pictures")
class_counts = list(folder.counts.items())
per_row = min(TILES_PER_ROW, len(class_counts))
for start in range(0, len(class_counts), per_row):  # up to network.PHOTO_LIMITS.max_classes tiles, a row at a time
    row = class_counts[start : start + per_row]
    for column, (name, count) in zip(st.columns(per_row), row, strict=False):  # the last row may be short
        column.metric(text.plain(name), f"{count:,} images")
for note in folder.skipped:  # what the scan left out, by name, before anything was decoded
    st.caption(f"Left out: {text.plain(note)}")
sizes = sizes_in(str(folder.root), folder.files)
st.caption("Sizes in a sample: " + ", ".join(f"{size} ({count})" for size, count in sizes.items()))
for label, name in enumerate(folder.class_names):
    members = [path for path, index in folder.files if index == label]
    paths = members[:: max(1, len(members) // 8)][:8]  # spread over the folder, not one sequence
    # Previews through the guarded decoder: a path handed to st.image is decoded whole, unchecked.
    st.image(previews(tuple(paths)), caption=[text.plain(name)] * len(paths), width=110)
st.markdown(
    f"Unlike Fashion-MNIST, no two photos are framed alike, so the network has to learn {what_to_learn(folder)}, "
    "not where its pixels usually are. That needs more filters and more layers, and it overfits easily."
)

st.subheader("Train the course's network")
config, submitted = settings_ui()
components.experiment_link_ui(LESSON)
training_photos = training_photos_ui(folder, validation_folder, config)
if submitted and training_photos is not None:
    job = jobs.TrainingJob(
        LESSON.key,
        config,
        build=network.build_training,
        make_model=network.ModelMaker(training_photos.num_classes),
        data=training_photos,
    )
    components.start_training(LESSON, job)
run = components.training_ui(LESSON)
if run is None:
    if training_photos is not None and not components.training_active(LESSON):
        st.info(
            f"Press **Train**: the network trains on these {len(training_photos.labels):,} photos in the background "
            f"(with {config.validation_split:.0%} held out to validate), and you can look around the lesson while it "
            "does."
        )
    st.stop()

if run.config.own_photos:
    st.info(teaching.what_changed(run.config, run.history.epochs_run), icon=":material/school:")
diagnosis = network.diagnose(run.history, len(folder.class_names))
if diagnosis is not None:
    DIAGNOSIS_STYLE[diagnosis.learning](diagnosis.message, icon=":material/psychology_alt:")
spread = network.validation_spread(run.history)
if spread is not None and spread.jumps:
    st.warning(network.spread_note(spread, run.config.learning_rate), icon=":material/ssid_chart:")
components.classifier_results_ui(
    LESSON, run, folder.class_names, best_epoch=spread.best_epoch if spread is not None and spread.jumps else None
)

st.header("Classify your own photos")
first_class, last_class = text.plain(folder.class_names[0]), text.plain(folder.class_names[-1])
st.markdown(
    "The network's single output is a probability between 0 and 1. Above **0.5** it says "
    f"**{last_class}**, below it says **{first_class}**. {try_these(folder.class_names)} "
    "This is where you see what it really learned."
)
model = run.model
candidates = photos_to_classify_ui()
if candidates:
    run_photos = photos_at(folder, run.config.image_size)
    memory = training_memory(run, run_photos.images, run_photos.labels, validation_folder is not None)
    squares = np.stack([uploads.squashed(picture, run.config.image_size) for _, _, picture in candidates])
    measured = familiarity.familiarity(memory, model, squares, run.config.input_scale)
    explained = False
    for (key, name, picture), square, result in zip(candidates, squares, measured, strict=True):
        with st.container(border=True):  # one photo's picture, answer, measure and insides together
            explained |= classified_photo_ui(
                run, folder.class_names, key, name, picture, square, result, run_photos, memory, not explained
            )

teach_ui(run, folder, validation_folder)

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
