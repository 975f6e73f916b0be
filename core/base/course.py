"""The course map and the one lesson registry: every lesson's number, titles, page, address and icon.

Everything else derives from this registry: the navigation in `streamlit_app.py`, each page's
heading and session keys, the run records' lesson, and the course map. A lesson trains on two
tracks, its own experiment and its graded exercise (`Track`), each with its own job, result and
runs. Renaming a lesson is a one-line change here; a test checks that no other file spells a
lesson's title.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    number: int
    key: str  # names the page file, the core package, the URL and the session's keys
    title: str  # the course's title, shown as the page heading and on the course map
    short_title: str  # shown in the navigation
    icon: str  # a Material icon, as st.Page takes it
    question: str  # the question the lesson answers
    teaches: str  # what the learner does and sees
    ready: bool = True  # False shows "coming next" on the course map

    @property
    def page(self) -> str:
        """The page file, as given to st.Page and st.page_link."""
        return f"pages/{self.key}.py"

    @property
    def url_path(self) -> str:
        return self.key.replace("_", "-")

    @property
    def nav_title(self) -> str:
        return f"{self.number} · {self.short_title}"

    @property
    def track(self) -> Track:
        """The lesson's own training: its experiment's job, latest result and runs."""
        return Track(self, Part.LESSON)

    @property
    def exercise_track(self) -> Track:
        """The lesson's graded exercise, trained apart from the lesson's own runs."""
        return Track(self, Part.EXERCISE)

    @property
    def heading(self) -> str:
        return f"Lesson {self.number} · {self.title}"


class Part(enum.Enum):
    """Which of a lesson's two trainings: its own experiment, or its week's graded exercise."""

    LESSON = "lesson"
    EXERCISE = "exercise"


@dataclass(frozen=True)
class Track:
    """Where a training belongs: a lesson, and whether it is the lesson's experiment or its graded
    exercise. Each track has its own job, latest result and runs, so that an exercise's attempts
    never mix with the lesson's runs; both link to the lesson's page."""

    lesson: Lesson
    part: Part = Part.LESSON

    @property
    def key(self) -> str:
        """A name for the track in widget keys: the lesson's key, with "_exercise" for its exercise."""
        return self.lesson.key if self.part is Part.LESSON else f"{self.lesson.key}_{self.part.value}"


HELLO_WORLD = Lesson(
    1,
    "hello_world",
    "Hello, World",
    "Hello, World",
    ":material/show_chart:",
    "Can a computer find the rule behind data and answers by itself?",
    "One Dense neuron learns y = 0.5x + 0.5 from six points. Change the optimizer, learning rate and "
    "epochs, watch the loss fall and the line settle, and see why x = 7 gives about 4.0, not exactly 4.",
)
COMPUTER_VISION = Lesson(
    2,
    "computer_vision",
    "Introduction to computer vision",
    "Computer vision",
    ":material/checkroom:",
    "How does a network tell a shirt from a sneaker?",
    "A dense network learns the 10 classes of Fashion-MNIST, with a callback that stops training at a "
    "target accuracy, a confusion matrix and the images it gets wrong.",
)
CONVOLUTIONS = Lesson(
    3,
    "convolutions",
    "Enhancing vision with convolutions",
    "Convolutions",
    ":material/filter:",
    "Why do convolutions see better than a flat list of pixels?",
    "Apply 3×3 filters and 2×2 max pooling by hand to a photo, then train the course's CNN and look at "
    "what every convolution and pooling layer outputs.",
)
REAL_WORLD_IMAGES = Lesson(
    4,
    "real_world_images",
    "Using real-world images",
    "Real-world images",
    ":material/photo_camera:",
    "Can the network tell a horse from a human in photos it has never seen?",
    "Train on folders of real colour photos, classify your own photos and camera shots, see when a photo is "
    "unlike anything the network trained on, and teach it with your own photos.",
)

LESSONS = (HELLO_WORLD, COMPUTER_VISION, CONVOLUTIONS, REAL_WORLD_IMAGES)
