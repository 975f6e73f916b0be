"""The lesson registry: everything about a lesson's address and labels derives from one entry."""

from __future__ import annotations

import dataclasses

from core.base import course


def test_addresses_and_labels_derive_from_the_key_and_titles():
    lesson = course.REAL_WORLD_IMAGES
    assert lesson.page == "pages/real_world_images.py" and lesson.url_path == "real-world-images"
    assert lesson.nav_title == "4 · Real-world images" and lesson.heading == "Lesson 4 · Using real-world images"


def test_renaming_a_lesson_changes_every_label_derived_from_it():
    renamed = dataclasses.replace(course.CONVOLUTIONS, title="Seeing with filters", short_title="Filters")
    assert renamed.heading == "Lesson 3 · Seeing with filters" and renamed.nav_title == "3 · Filters"
    assert renamed.page == course.CONVOLUTIONS.page  # the key, not the title, names files and addresses


def test_the_course_has_its_four_lessons_in_order():
    assert [lesson.number for lesson in course.LESSONS] == [1, 2, 3, 4]
    assert course.LESSONS[0].key == "hello_world" and course.LESSONS[1].title == "Introduction to computer vision"
