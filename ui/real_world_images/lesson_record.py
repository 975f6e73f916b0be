"""What Lesson 4 keeps in a learner's session between reruns, typed: one record of the lesson's
own, kept through `ui.session` (the one module that touches Streamlit's session). It lives and
goes with the learner's tab: an upload's photos, the learner's own photos and the measure of a
run's training photos are theirs alone, never in a shared cache."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.base import course, language
from core.data import image_folders
from core.engine import familiarity as measure
from core.engine import image_classifier
from core.real_world_images import network, photos, teaching
from ui import session

LESSON = course.REAL_WORLD_IMAGES


@dataclass(frozen=True)
class UnpackedZip:
    """A zip of class folders the learner uploaded, unpacked into their session's own folder."""

    file_id: str  # the upload it came from: another upload replaces it
    folder: image_folders.ImageFolder  # its class folders, as scanned
    notes: tuple[language.Message, ...]  # the members left out, each with why


@dataclass(frozen=True)
class RunMemory:
    """A run's training photos as its network sees them, measured once per run."""

    run: image_classifier.TrainedRun  # the run it was measured for
    measured: measure.TrainingMemory  # its training photos, and how far held-out photos lie from them
    own_images: np.ndarray | None  # the learner's photos the run was taught (squashed), to show them


@dataclass
class RealWorldRecord:
    """Lesson 4's values in one browser tab's session."""

    unpacked: UnpackedZip | None = None  # the latest zip upload, unpacked
    upload_photos: dict[int, photos.DecodedPhotos] = field(default_factory=dict)  # its photos by size; two at most
    # (file id, why) of a refused upload: said again, not unpacked again
    refused_zip: tuple[str, language.Message | str] | None = None
    download_asked: bool = False  # "Download the course's photos" pressed under the synthetic sample; read once
    downloaded: bool = False  # the course's photos were downloaded (or found in the cache) this visit
    validation_folder: image_folders.ImageFolder | None = None  # the course's validation set, from its download
    faces_downloaded: bool = False  # the exercise's faces were downloaded from the course this visit
    memory: RunMemory | None = None  # the latest run's measured training photos
    taught_with: dict[network.RealWorldConfig, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict
    )  # the learner's photos (squashed) and labels of the latest few taught runs, by their settings
    own_photos: tuple[teaching.OwnPhoto, ...] = ()  # photos the learner labelled to teach the network


def record() -> RealWorldRecord:
    """The lesson's record in the running session, made empty on first use."""
    kept = session.lesson_record(LESSON, RealWorldRecord)
    if kept is None:
        kept = RealWorldRecord()
        session.keep_lesson_record(LESSON, kept)
    return kept
