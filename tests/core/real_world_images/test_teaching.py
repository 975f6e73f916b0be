"""Teach it with your photos: the learner's photos, their augmented copies, and the job that trains on them."""

from __future__ import annotations

import numpy as np
import pytest

from core.base import language
from core.engine import training
from core.real_world_images import network, teaching

ENGLISH = language.words("en")


def own_photo(key: str, label: int = 0, shape: tuple[int, int] = (60, 90)) -> teaching.OwnPhoto:
    picture = np.random.default_rng(len(key)).integers(0, 255, (*shape, 3), dtype=np.uint8)
    return teaching.OwnPhoto(key, f"{key}.png", picture, label, (0.9, 0.1), 1)


def test_photos_are_added_once_relabelled_in_place_and_bounded():
    photos = teaching.add_own_photo((), own_photo("a"))
    photos = teaching.add_own_photo(photos, own_photo("b"))
    photos = teaching.add_own_photo(photos, own_photo("a", label=1))
    assert [(photo.key, photo.label) for photo in photos] == [("b", 0), ("a", 1)]
    full = tuple(own_photo(str(number)) for number in range(teaching.MAX_OWN_PHOTOS))
    with pytest.raises(ValueError, match="up to 24 photos"):
        teaching.add_own_photo(full, own_photo("one more"))
    assert len(teaching.add_own_photo(full, own_photo("3", label=1))) == teaching.MAX_OWN_PHOTOS  # a relabel fits


def test_own_photos_are_squashed_to_the_networks_size_not_cropped():
    wide = own_photo("wide", shape=(40, 160))
    wide.picture[:, :80] = 0  # left half black, right half white: squashing keeps both halves
    wide.picture[:, 80:] = 255
    [square] = teaching.own_images((wide,), 150)
    assert square.shape == (150, 150, 3) and square[:, :70].max() < 10 and square[:, 80:].min() > 245
    assert teaching.own_images((), 150).shape == (0, 150, 150, 3)


def test_each_photo_becomes_its_copies_with_its_label():
    images = np.stack([own_photo("x").picture[:50, :50], own_photo("yy").picture[:50, :50]])
    copies, labels = teaching.augmented_copies(images, np.array([0, 1]), copies=4, seed=0)
    assert copies.shape == (8, 50, 50, 3) and copies.dtype == np.uint8 and list(labels) == [0] * 4 + [1] * 4
    assert len({copy.tobytes() for copy in copies[:4]}) > 1  # flipped, turned and zoomed differently


def test_a_teaching_job_starts_from_the_given_weights_and_keeps_the_held_out_photos(tiny_trained):
    config = network.RealWorldConfig(epochs=1, conv_blocks=2, batch_size=8, own_photos=2, from_run=1)
    images, labels = tiny_trained.images, tiny_trained.labels
    own = teaching.own_images((own_photo("p"), own_photo("q")), 150)
    start = [weights.copy() for weights in tiny_trained.model.get_weights()]
    data = teaching.Teaching(network.Photos(images, labels, 2), own, np.array([1, 0]), start_weights=start, copies=5)
    setup = teaching.build_teaching(config, data)
    for built, given in zip(setup.model.get_weights(), start, strict=True):
        np.testing.assert_array_equal(built, given)
    plain = network.split_photos(config, images, labels)
    assert setup.trainer.num_examples == len(plain.train_labels) + 2 * 5
    np.testing.assert_array_equal(setup.held_out.images, plain.validation.images)
    setup.trainer.run(training.TrainingHistory(1))
    assert any(
        not np.array_equal(after, before) for after, before in zip(setup.model.get_weights(), start, strict=True)
    )
    from_scratch = teaching.build_teaching(
        config, teaching.Teaching(network.Photos(images, labels, 2), own, np.array([1, 0]))
    )
    assert not np.array_equal(from_scratch.model.get_weights()[0], start[0])


def test_a_taught_run_says_what_it_did():
    fine_tuned = network.RealWorldConfig(epochs=3, own_photos=3, from_run=1)
    assert teaching.what_changed(fine_tuned, 3, words=ENGLISH).startswith(
        "This run was fine-tuned from run 1 with your 3 photos: 3 epochs from its weights"
    )
    scratch = network.RealWorldConfig(own_photos=1)
    assert teaching.what_changed(scratch, 15, words=ENGLISH) == (
        "This run was trained from scratch with your 1 photo among the training photos (15 epochs)."
    )


def test_a_learners_photo_shows_what_the_network_said_then_and_says_now():
    photo = teaching.OwnPhoto("k", "k.png", np.zeros((4, 4, 3), np.uint8), 1, (0.8, 0.2), 2)
    names = ("horses", "*humans*")  # a folder's name, shown as typed
    assert teaching.before_and_now(photo, np.array([0.1, 0.9]), names, 5, words=ENGLISH) == (
        "Run 2 said horses (80%)  \n**Run 5 says \\*humans\\* (90%)** :green[right]"
    )
    assert teaching.before_and_now(photo, np.array([0.7, 0.3]), names, 5, words=ENGLISH) == (
        "Run 2 said horses (80%)  \n**Run 5 says horses (70%)** :red[wrong]"
    )
