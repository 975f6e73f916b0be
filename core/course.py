"""The course map: the four lessons, what each teaches and the question it answers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    number: int
    title: str
    page: str  # path of the page file, as given to st.Page
    question: str  # the question the lesson answers
    teaches: str  # what the learner does and sees
    ready: bool  # False shows "coming next" on the course map


LESSONS = (
    Lesson(
        1,
        "Hello, World",
        "pages/hello_world.py",
        "Can a computer find the rule behind data and answers by itself?",
        "One Dense neuron learns y = 0.5x + 0.5 from six points. Change the optimizer, learning rate and "
        "epochs, watch the loss fall and the line settle, and see why x = 7 gives about 4.0, not exactly 4.",
        ready=True,
    ),
    Lesson(
        2,
        "Introduction to computer vision",
        "pages/computer_vision.py",
        "How does a network tell a shirt from a sneaker?",
        "A dense network learns the 10 classes of Fashion-MNIST, with a callback that stops training at a "
        "target accuracy, a confusion matrix and the images it gets wrong.",
        ready=True,
    ),
    Lesson(
        3,
        "Enhancing vision with convolutions",
        "pages/convolutions.py",
        "Why do convolutions see better than a flat list of pixels?",
        "Apply 3×3 filters and 2×2 max pooling by hand to a photo, then train the course's CNN and look at "
        "what every convolution and pooling layer outputs.",
        ready=True,
    ),
    Lesson(
        4,
        "Using real-world images",
        "pages/real_world_images.py",
        "Can the network tell a horse from a human in photos it has never seen?",
        "Train on folders of real colour photos, upload your own pictures to classify, and see where the "
        "model fails and why (overfitting).",
        ready=True,
    ),
)
