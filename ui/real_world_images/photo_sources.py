"""Where Lesson 4's photos come from: a folder, a zip of class folders, the course's download or
the synthetic sample, and the exercise's faces (drawn by the app or downloaded); each decoded once,
then shown as the folder's classes and a few of their photos."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import streamlit as st

from core.base import hosting, settings, text
from core.data import image_folders
from core.real_world_images import course_download, exercise, network, photos
from ui import components, i18n, session, training_jobs
from ui.real_world_images import lesson_record, problems

# The radio's values, kept in the session and compared below; shown through SOURCE_WORDS in the page's language.
SOURCES = ("Local folder", "Upload a zip of class folders", "Download the course's horse-or-human", "Synthetic sample")
SOURCE_WORDS = dict(zip(SOURCES, ("local_folder", "zip", "download", "synthetic"), strict=True))
FACES = ("Drawn by the app (works offline)", "The course's happy-or-sad (download, about 2 MB)")  # the exercise's radio
FACE_WORDS = dict(zip(FACES, ("drawn", "course_faces"), strict=True))
TILES_PER_ROW = 5  # the classes' photo counts; the lesson takes up to network.PHOTO_LIMITS.max_classes


@st.cache_resource(show_spinner=False, max_entries=2)  # 300×300 photos take ~280 MB
def decoded(root: str, files: tuple, size: int) -> photos.DecodedPhotos:
    """Read-only arrays shared by the visitors who use the same folder of the server's (the course's,
    the operator's, the synthetic sample); `files` keys the cache."""
    return photos.load_images(image_folders.ImageFolder(Path(root), (), files, ()), size)


def photos_at(folder: image_folders.ImageFolder, size: int) -> photos.DecodedPhotos:
    """The folder's photos decoded at `size`. The server's own folders are decoded once for every
    visitor. A visitor's upload is theirs alone: its photos live in their session, at two sizes at
    most, and go with it; in the shared cache a closed tab's upload stayed until two other folders
    pushed it out."""
    record = lesson_record.record()
    if record.unpacked is None or record.unpacked.folder.root != folder.root:
        with st.spinner(i18n.t("real_world_images.spinners.decoding")):  # shown only while it decodes
            return decoded(str(folder.root), folder.files, size)
    kept = record.upload_photos
    if size not in kept:
        with st.spinner(i18n.t("real_world_images.spinners.decoding")):
            kept = {**kept, size: photos.load_images(folder, size)}
        record.upload_photos = dict(list(kept.items())[-2:])
    return kept[size]


@st.cache_resource(show_spinner=False, max_entries=32)
def previews(paths: tuple[Path, ...], side: int = 110) -> list[np.ndarray]:
    """Thumbnails decoded once per folder, not on every page run (a class reruns pages often);
    the paths key it, and each visitor's unpacked uploads sit in a private folder of their own."""
    return photos.thumbnails(list(paths), side)


@st.cache_data(show_spinner=False, max_entries=32)
def sizes_in(root: str, files: tuple) -> dict[str, int]:
    return photos.image_sizes(image_folders.ImageFolder(Path(root), (), files, ()))


@st.cache_resource(show_spinner=False)
def drawn_synthetic_sample() -> image_folders.ImageFolder:
    return image_folders.make_synthetic_dataset(Path(tempfile.mkdtemp(prefix="synthetic-")))


def synthetic_sample() -> image_folders.ImageFolder:
    with st.spinner(i18n.t("real_world_images.spinners.drawing_sample")):  # shown only while it draws
        return drawn_synthetic_sample()


def source_ui() -> image_folders.ImageFolder | None:
    """Where the pictures come from; every problem is a message, never a traceback. The course's
    photos come first: the operator's folder, else the course's download once it is cached, else
    the synthetic sample, named as the stand-in it is, with the download offered above it."""
    cached = course_download.cached_course_data()
    default = 0 if settings.current().course_folder else 2 if cached else 3
    words = i18n.words()
    own_computer = hosting.any_folder_allowed(st.get_option("server.address"))
    folder_label = words(f"real_world_images.source.folder_on_{'computer' if own_computer else 'server'}")
    # The default goes through the session, as "Download the course's photos" sets it: a widget
    # given both a default and a session value makes Streamlit warn.
    if session.widget_value("rw_source") is None:
        session.set_widget("rw_source", SOURCES[default])
    source = st.radio(
        words("real_world_images.source.label"),
        SOURCES,
        horizontal=True,
        key="rw_source",
        format_func=lambda option: (
            folder_label if option == SOURCES[0] else words(f"real_world_images.source.{SOURCE_WORDS[option]}")
        ),
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
        st.error(text.plain(problems.said(problem)), icon=":material/folder_off:")
        return None


def validation_folder() -> image_folders.ImageFolder | None:
    """The course's separate validation set, which comes with its download; other sources hold out a split."""
    return lesson_record.record().validation_folder if session.widget_value("rw_source") == SOURCES[2] else None


def uploaded_zip_ui() -> image_folders.ImageFolder | None:
    """A zip of class folders, unpacked into this session's own folder, which replaces its previous
    upload and is deleted once the session has gone (core.base.session_files)."""
    words = i18n.words()
    upload = components.file_uploader(words("real_world_images.zip.upload_label"), key="rw_zip", types=["zip"])
    caps = network.PHOTO_LIMITS
    st.caption(
        words("real_world_images.zip.limits", photos=words.number(caps.max_uploaded_photos), classes=caps.max_classes)
    )
    if upload is None:
        return None
    record = lesson_record.record()
    if record.refused_zip is not None and record.refused_zip[0] == upload.file_id:  # not unpacked on every rerun
        raise problems.raised_again(record.refused_zip[1])
    space, learner = training_jobs.session_folders(), training_jobs.learner_id()
    unpacked = record.unpacked
    if unpacked is None or unpacked.file_id != upload.file_id or not unpacked.folder.root.exists():
        record.unpacked, record.upload_photos = None, {}  # the previous upload's
        data = upload.getvalue()
        destination = space.fresh_folder(learner, needed_bytes=len(data))
        try:
            folder, notes = image_folders.extract_zip_safely(data, destination / "data")
            caps.check(len(folder.class_names), len(folder.files), uploaded=True)  # before anything is drawn
        except ValueError as problem:
            space.release(learner)
            record.refused_zip = (upload.file_id, problems.kept(problem))
            raise
        record.unpacked = lesson_record.UnpackedZip(upload.file_id, folder, tuple(notes))
    space.touch(learner)
    for note in record.unpacked.notes:
        st.caption(words("real_world_images.zip.skipped", note=text.plain(words.say(note))))
    return record.unpacked.folder


def course_download_ui(
    cached: tuple[image_folders.ImageFolder, image_folders.ImageFolder] | None,
) -> image_folders.ImageFolder | None:
    """The course's training and validation photos: from the cache at once, else one press away."""
    words = i18n.words()
    record = lesson_record.record()
    pressed_before, record.download_asked = record.download_asked, False  # "Download the course's photos" below
    if cached is None and not record.downloaded:
        # The button stays on screen while downloading, so a failed download can be tried again.
        pressed = st.button(words("real_world_images.download.button"), key="rw_download", type="primary")
        if not (pressed or pressed_before):
            kept = course_download.kept_where(hosting.any_folder_allowed(st.get_option("server.address")), words=words)
            st.caption(words("real_world_images.download.from_where", url=course_download.TRAINING_URL, kept=kept))
            return None
    if cached is None:
        bar = st.progress(0.0, text=words("real_world_images.download.progress"))
        try:
            cached = course_download.download_course_data(
                on_progress=lambda name, got, total: bar.progress(
                    min(1.0, got / total) if total else 0.0,
                    text=words("real_world_images.download.progress_file", name=name, megabytes=f"{got / 1e6:.0f}"),
                )
            )
        except ConnectionError as problem:
            bar.empty()
            raise ConnectionError(words("real_world_images.download.offline", problem=problems.said(problem))) from None
        bar.empty()
    record.downloaded = True
    training_folder, record.validation_folder = cached
    kept = course_download.kept_where(hosting.any_folder_allowed(st.get_option("server.address")), words=words)
    st.caption(words("real_world_images.download.kept", kept=kept))
    return training_folder


def use_course_download() -> None:
    """ "Download the course's photos": the source switches to the download, which starts at once."""
    session.set_widget("rw_source", SOURCES[2])
    lesson_record.record().download_asked = True


def synthetic_notice_ui() -> None:
    """The synthetic sample is a stand-in for the course's photos, and says so before anything else."""
    with st.container(border=True):
        st.markdown(i18n.t("real_world_images.synthetic.notice"))
        st.button(
            i18n.t("real_world_images.synthetic.offer_download"),
            key="rw_offer_download",
            icon=":material/download:",
            on_click=use_course_download,
        )


def folder_ui() -> image_folders.ImageFolder | None:
    """A folder on this machine: any path for a learner running the app for themselves, only the
    operator's folders on a shared server (core.base.hosting says which this is)."""
    if hosting.any_folder_allowed(st.get_option("server.address")):
        path = st.text_input(
            i18n.t("real_world_images.folder.path_label"), str(settings.current().course_folder or ""), key="rw_path"
        )
        return image_folders.scan_folder(Path(path)) if path else None
    folders = hosting.configured_folders()
    if not folders:
        st.info(i18n.t("real_world_images.folder.no_server_folders"), icon=":material/folder_off:")
        return None
    name = st.selectbox(i18n.t("real_world_images.folder.server_folder_label"), list(folders), key="rw_server_folder")
    st.caption(i18n.t("real_world_images.folder.server_caption"))
    return image_folders.scan_folder(folders[name])


def pictures_ui(folder: image_folders.ImageFolder) -> None:
    """The folder at a glance: each class's photo count, what the scan left out, the photos' sizes
    and a few photos of every class."""
    words = i18n.words()
    class_counts = list(folder.counts.items())
    per_row = min(TILES_PER_ROW, len(class_counts))
    for start in range(0, len(class_counts), per_row):  # up to network.PHOTO_LIMITS.max_classes tiles, a row at a time
        row = class_counts[start : start + per_row]
        for column, (name, count) in zip(st.columns(per_row), row, strict=False):  # the last row may be short
            column.metric(text.plain(name), words("real_world_images.pictures.images", count=words.number(count)))
    for note in folder.skipped_said:  # what the scan left out, by name, before anything was decoded
        st.caption(words("real_world_images.pictures.left_out", note=text.plain(words.say(note))))
    sizes = sizes_in(str(folder.root), folder.files)
    listed = ", ".join(f"{size} ({count})" for size, count in sizes.items())
    st.caption(words("real_world_images.pictures.sizes", sizes=listed))
    for label, name in enumerate(folder.class_names):
        paths = photos.spread_sample(folder, label)
        # Previews through the guarded decoder: a path handed to st.image is decoded whole, unchecked.
        st.image(previews(paths), caption=[text.plain(name)] * len(paths), width=110)


@st.cache_resource(show_spinner=False)
def drawn_faces_once() -> image_folders.ImageFolder:
    return exercise.draw_faces(Path(tempfile.mkdtemp(prefix="faces-")))


def drawn_faces() -> image_folders.ImageFolder:
    with st.spinner(i18n.t("real_world_images.spinners.drawing_faces")):  # shown only while it draws
        return drawn_faces_once()


def faces_ui() -> image_folders.ImageFolder | None:
    """The exercise's 80 faces: drawn by the app (offline), or the course's archive downloaded,
    with a few of them shown."""
    words = i18n.words()
    source = st.radio(
        words("real_world_images.exercise.faces"),
        FACES,
        horizontal=True,
        key="rwx_source",
        format_func=lambda option: words(f"real_world_images.exercise.{FACE_WORDS[option]}"),
    )
    if source == FACES[0]:
        faces = drawn_faces()
    elif (
        not st.button(words("real_world_images.exercise.download"), key="rwx_download")
        and not lesson_record.record().faces_downloaded
    ):
        kept = course_download.kept_where(hosting.any_folder_allowed(st.get_option("server.address")), words=words)
        st.caption(words("real_world_images.exercise.from_where", url=exercise.URL, kept=kept))
        return None
    else:
        try:
            faces = course_download.download_archive(exercise.URL, course_download.CACHE_DIR)
        except (ValueError, ConnectionError, OSError) as problem:
            offline = words("real_world_images.exercise.offline", problem=problems.said(problem))
            st.error(text.plain(offline), icon=":material/cloud_off:")
            return None
        lesson_record.record().faces_downloaded = True
    try:
        exercise.check_faces(faces)
    except ValueError as problem:
        st.error(problems.said(problem), icon=":material/folder_off:")
        return None
    st.image(previews(photos.spread_sample(faces), side=80), width=80)
    return faces
