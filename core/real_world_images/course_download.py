"""The course's horse-or-human archives: downloaded once, checked, and kept in a cache.

The course reads two zips from Google's storage: the training photos and a separate validation
set. Each is downloaded to a temporary file, unpacked with the safe extractor, and only then
moved into the cache, so a broken download is never mistaken for data.
"""

from __future__ import annotations

import shutil
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path

from core.base import language
from core.data import downloads, image_folders
from core.data.image_folders import ImageFolder

TRAINING_URL = "https://storage.googleapis.com/learning-datasets/horse-or-human.zip"
VALIDATION_URL = "https://storage.googleapis.com/learning-datasets/validation-horse-or-human.zip"
CACHE_DIR = Path.home() / ".cache" / "tf-first-steps"

DownloadProgress = Callable[[str, int, int], None]  # (archive name, bytes received, bytes in all or 0)


class DownloadFailed(ConnectionError):
    """A download that did not arrive, said in the learner's language (`message`, as a
    `language.LearnerError` carries it); still a ConnectionError, which the page offers the
    offline sources for."""

    def __init__(self, url: str, reason: object) -> None:
        self.message = language.Message("real_world_images.download.failed", {"url": url, "reason": reason})
        super().__init__(str(self.message))


def kept_where(own_computer: bool, *, words: language.Words) -> str:
    """Where the downloads are kept, as a caption says it: the folder on a learner's own computer,
    and only "on this server" on a shared one, whose paths are no visitor's business."""
    if own_computer:
        return words("real_world_images.download.kept_in", folder=CACHE_DIR)
    return words("real_world_images.download.kept_on_server")


def download_course_data(
    on_progress: DownloadProgress | None = None, cache_dir: Path = CACHE_DIR
) -> tuple[ImageFolder, ImageFolder]:
    """The course's training and validation photos, downloaded on first use."""
    folders = []
    for url in (TRAINING_URL, VALIDATION_URL):
        name = url.rsplit("/", 1)[-1]
        report = None if on_progress is None else (lambda got, total, name=name: on_progress(name, got, total))
        folders.append(download_archive(url, cache_dir, on_progress=report))
    return folders[0], folders[1]


def cached_course_data(cache_dir: Path | None = None) -> tuple[ImageFolder, ImageFolder] | None:
    """The course's training and validation photos when an earlier download left both in the cache
    (checked by a scan, as a download is), else None: the page then opens on them at once."""
    folders = []
    for url in (TRAINING_URL, VALIDATION_URL):
        target = (cache_dir or CACHE_DIR) / Path(url).stem
        if not target.is_dir():
            return None
        try:
            folders.append(image_folders.scan_folder(image_folders.class_root(target)))
        except ValueError:
            return None  # damaged: the download button fetches it again
    return folders[0], folders[1]


def download_archive(url: str, cache_dir: Path, on_progress=None, timeout_s: float = 30.0) -> ImageFolder:
    """The course's zip, downloaded once: to a temporary file, checked to be a valid zip of class
    folders (unpacked safely), then moved into the cache, where later runs find it."""
    name = Path(url).stem
    target = cache_dir / name
    if target.is_dir():
        try:
            return image_folders.scan_folder(image_folders.class_root(target))
        except ValueError:
            pass  # a damaged cache: download again
    cache_dir.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response, tempfile.TemporaryFile() as archive:
            total = int(response.headers.get("Content-Length") or 0)
            received = 0
            while chunk := response.read(1 << 20):
                archive.write(chunk)
                received += len(chunk)
                if on_progress:
                    on_progress(received, total)
            archive.seek(0)
            data = archive.read()
    except OSError as problem:
        raise DownloadFailed(url, downloads.why_download_failed(problem, cache_dir)) from None
    with tempfile.TemporaryDirectory(dir=cache_dir) as staging:
        image_folders.extract_zip_safely(data, Path(staging) / name)  # raises on a bad or unsafe archive
        if target.exists():
            shutil.rmtree(target)  # the damaged copy found above; only now is a checked one ready
        (Path(staging) / name).rename(target)
    return image_folders.scan_folder(image_folders.class_root(target))
