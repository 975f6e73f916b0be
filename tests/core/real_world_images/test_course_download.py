"""The course's horse-or-human download against zips written by the tests and served from file URLs."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from core.real_world_images import course_download


def write_archive(path: Path, names: tuple[str, ...]) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        for name in names:
            buffer = io.BytesIO()
            Image.new("RGB", (16, 16), "white").save(buffer, format="PNG")
            bundle.writestr(name, buffer.getvalue())
    return path


def test_download_checks_the_archive_and_caches_it(tmp_path):
    archive = write_archive(tmp_path / "horse-or-human.zip", ("horses/a.png", "horses/b.png", "humans/c.png"))
    progress = []
    cache = tmp_path / "cache"
    folder = course_download.download_archive(
        archive.as_uri(), cache, on_progress=lambda got, total: progress.append(got)
    )
    assert folder.counts == {"horses": 2, "humans": 1} and progress[-1] == archive.stat().st_size
    archive.unlink()  # the second time comes from the cache, with no download
    assert course_download.download_archive(archive.as_uri(), cache).counts == {"horses": 2, "humans": 1}

    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    with pytest.raises(ValueError):
        course_download.download_archive(broken.as_uri(), cache)
    assert not (cache / "broken").exists()
    with pytest.raises(ConnectionError, match="the file is not there") as missing:
        course_download.download_archive((tmp_path / "missing.zip").as_uri(), cache)
    assert "Errno" not in str(missing.value)  # plain words, not the library's exception text


def test_the_cached_course_data_is_found_only_when_both_archives_are_there(tmp_path):
    cache = tmp_path / "cache"
    assert course_download.cached_course_data(cache) is None
    for name, files in (("horse-or-human", ("horses/a.png", "humans/b.png")), ("validation-horse-or-human", ())):
        for file in files:
            (cache / name / file).parent.mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (16, 16), "white").save(cache / name / file)
    assert course_download.cached_course_data(cache) is None  # the validation set is missing (damaged)
    for file in ("horses/c.png", "humans/d.png"):
        (cache / "validation-horse-or-human" / file).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (16, 16), "white").save(cache / "validation-horse-or-human" / file)
    training, validation = course_download.cached_course_data(cache)
    assert training.counts == {"horses": 1, "humans": 1} and validation.counts == {"horses": 1, "humans": 1}


@pytest.mark.parametrize(
    "leftover",
    [
        pytest.param((), id="empty"),
        pytest.param(("horses/a.png",), id="one-class"),
    ],
)
def test_a_damaged_cache_is_downloaded_again(tmp_path, leftover):
    archive = write_archive(tmp_path / "horse-or-human.zip", ("horses/a.png", "humans/b.png"))
    cache = tmp_path / "cache"
    (cache / "horse-or-human").mkdir(parents=True)  # an interrupted unpack: fewer than two classes
    for name in leftover:
        (cache / "horse-or-human" / name).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (16, 16), "white").save(cache / "horse-or-human" / name)
    folder = course_download.download_archive(archive.as_uri(), cache)
    assert folder.counts == {"horses": 1, "humans": 1}


def test_course_data_is_the_training_and_validation_archives(tmp_path, monkeypatch):
    training = write_archive(tmp_path / "horse-or-human.zip", ("horses/a.png", "horses/b.png", "humans/c.png"))
    validation = write_archive(tmp_path / "validation-horse-or-human.zip", ("horses/d.png", "humans/e.png"))
    monkeypatch.setattr(course_download, "TRAINING_URL", training.as_uri())
    monkeypatch.setattr(course_download, "VALIDATION_URL", validation.as_uri())
    progress = []
    train_folder, validation_folder = course_download.download_course_data(
        on_progress=lambda name, got, total: progress.append((name, got, total)), cache_dir=tmp_path / "cache"
    )
    assert train_folder.counts == {"horses": 2, "humans": 1}
    assert validation_folder.counts == {"horses": 1, "humans": 1}
    assert progress[-1] == ("validation-horse-or-human.zip", validation.stat().st_size, validation.stat().st_size)
    assert ("horse-or-human.zip", training.stat().st_size, training.stat().st_size) in progress


def test_the_course_addresses_and_cache():
    assert course_download.TRAINING_URL == "https://storage.googleapis.com/learning-datasets/horse-or-human.zip"
    assert course_download.VALIDATION_URL == (
        "https://storage.googleapis.com/learning-datasets/validation-horse-or-human.zip"
    )
    assert course_download.CACHE_DIR.name == "tf-first-steps"
