"""Lesson 4's trainings built in one place: each job trains on exactly the photos the lesson's
split and the learner's photos say, from the weights it is given."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from core.base import course, limits, settings
from core.real_world_images import network, photos, teaching, trainings


def decoded_photos(count: int, seed: int) -> photos.DecodedPhotos:
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (count, 150, 150, 3), dtype=np.uint8)
    return photos.DecodedPhotos(images, np.arange(count, dtype=photos.LABEL_DTYPE) % 2)


def test_the_photos_to_train_on_are_the_decoded_arrays_with_the_separate_validation_set():
    training, validation = decoded_photos(6, seed=0), decoded_photos(4, seed=1)
    split_here = trainings.photos_to_train_on(training, 2)
    assert split_here.images is training.images and split_here.labels is training.labels
    assert split_here.num_classes == 2 and split_here.validation is None and network.validation_count(split_here) == 0
    apart = trainings.photos_to_train_on(training, 2, validation)
    assert apart.validation is not None
    assert apart.validation[0] is validation.images and apart.validation[1] is validation.labels
    assert network.validation_count(apart) == 4


def own_photo(key: str, label: int) -> teaching.OwnPhoto:
    picture = np.random.default_rng(len(key)).integers(0, 255, (60, 90, 3), dtype=np.uint8)
    return teaching.OwnPhoto(key, f"{key}.png", picture, label, (0.9, 0.1), 1)


def test_a_taught_runs_settings_fine_tune_from_the_current_run_or_train_again_from_scratch():
    trained = network.RealWorldConfig(epochs=15, conv_blocks=2, learning_rate=0.0003, augment=True)
    tuned = trainings.teaching_config(trained, own_photos=3, fine_tune=True, fine_tune_epochs=4, current_run=2)
    assert tuned == dataclasses.replace(trained, epochs=4, own_photos=3, from_run=2)
    again = trainings.teaching_config(trained, own_photos=3, fine_tune=False, fine_tune_epochs=4, current_run=2)
    assert again == dataclasses.replace(trained, own_photos=3)  # all its epochs, from no run's weights
    before_any_run = trainings.teaching_config(trained, 1, fine_tune=True, fine_tune_epochs=4, current_run=0)
    assert before_any_run.from_run is None and before_any_run.epochs == 4


def test_own_labels_are_the_learners_classes_in_order_as_training_labels():
    labels = trainings.own_labels((own_photo("a", 1), own_photo("bb", 0), own_photo("ccc", 1)))
    np.testing.assert_array_equal(labels, [1, 0, 1])
    assert labels.dtype == photos.LABEL_DTYPE
    assert trainings.own_labels(()).shape == (0,)


def test_the_learners_photos_and_their_copies_count_against_the_memory_budget(monkeypatch):
    """With a budget between what the folder's photos need and what they need with 24 of the
    learner's photos (20 copies each), only the teaching is refused, and it says why."""
    config = network.RealWorldConfig(image_size=300, conv_blocks=5, batch_size=8)
    photo_count, own = 1000, teaching.MAX_OWN_PHOTOS
    cost = network.cost(config, 2)
    plain = limits.training_bytes(cost, config.batch_size, network.photo_cost(config, photo_count))
    added = own * teaching.COPIES_PER_PHOTO
    taught = limits.training_bytes(cost, config.batch_size, network.photo_cost(config, photo_count, 0, added))
    assert taught > plain + 2**21
    monkeypatch.setenv(limits.MEMORY_VARIABLE, str((plain + taught) // 2 // 2**20))
    settings.forget()  # the cost above read the settings (its precision): read them again, with this budget
    network.check_training_memory(config, 2, photo_count)  # the folder alone fits
    trainings.check_teaching_memory(config, 2, photo_count, 0, own_photos=0)
    with pytest.raises(ValueError, match=f"{added:,} copies of yours"):
        trainings.check_teaching_memory(config, 2, photo_count, 0, own_photos=own)


def test_the_lessons_job_trains_the_course_network_on_the_split_it_makes(tiny_trained):
    config = dataclasses.replace(tiny_trained.config, epochs=1)
    training_photos = network.Photos(tiny_trained.images, tiny_trained.labels, 2)
    job = trainings.training_job(config, training_photos)
    assert job.lesson == course.REAL_WORLD_IMAGES.key and job.config is config and job.epochs == 1
    setup = job.build(job.config, job.data)
    reference = network.split_photos(config, tiny_trained.images, tiny_trained.labels)
    assert setup.trainer.num_examples == len(reference.train_labels)
    np.testing.assert_array_equal(setup.held_out.images, reference.validation.images)
    rebuilt = job.make_model(config)  # the trained network rebuilt from its settings, to take its weights
    assert [type(layer) for layer in rebuilt.layers] == [type(layer) for layer in setup.model.layers]
    assert [weights.shape for weights in rebuilt.get_weights()] == [w.shape for w in setup.model.get_weights()]
    assert rebuilt.output_shape == (None, 1)  # two classes: one sigmoid output


def test_the_teaching_job_adds_the_learners_copies_and_starts_from_the_given_weights(tiny_trained):
    config = trainings.teaching_config(tiny_trained.config, 2, fine_tune=True, fine_tune_epochs=1, current_run=1)
    own = (own_photo("p", 1), own_photo("qq", 0))
    squares = teaching.own_images(own, config.image_size)
    start = [weights.copy() for weights in tiny_trained.model.get_weights()]
    training_photos = network.Photos(tiny_trained.images, tiny_trained.labels, 2)
    job = trainings.teaching_job(config, training_photos, squares, trainings.own_labels(own), start)
    assert job.lesson == course.REAL_WORLD_IMAGES.key and job.epochs == 1
    setup = job.build(job.config, job.data)
    reference = network.split_photos(config, tiny_trained.images, tiny_trained.labels)
    assert setup.trainer.num_examples == len(reference.train_labels) + 2 * teaching.COPIES_PER_PHOTO
    np.testing.assert_array_equal(setup.held_out.images, reference.validation.images)  # scored as before
    for built, given in zip(setup.model.get_weights(), start, strict=True):
        np.testing.assert_array_equal(built, given)
