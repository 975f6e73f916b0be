"""Home: the course map, one card per lesson with what it teaches and the question it answers."""

import streamlit as st

from core.base import course
from core.engine import warmup
from ui import exercise_record, training_jobs

st.title("TensorFlow first steps, by doing them")
training_jobs.jobs_indicator_ui()
st.markdown(
    "This dashboard follows the four lessons of DeepLearning.AI's *Introduction to TensorFlow for "
    "Artificial Intelligence, Machine Learning, and Deep Learning*. In each lesson you train the course's "
    "own model yourself: move the sliders, press **Train**, and watch what the network learns."
)

# One row of columns per pair of lessons: on a phone, columns stack one under the other, so
# lessons laid out column by column would read 1, 3, 2, 4.
for row in range(0, len(course.LESSONS), 2):
    for column, lesson in zip(st.columns(2), course.LESSONS[row : row + 2], strict=False):
        with column.container(border=True):
            st.subheader(lesson.heading)
            st.markdown(f"**The question:** {lesson.question}")
            st.markdown(lesson.teaches)
            if lesson.ready:
                st.page_link(lesson.page, label=f"Start lesson {lesson.number}", icon=":material/arrow_forward:")
            else:
                st.caption("Coming next: this lesson is being built.")
                st.page_link(lesson.page, label=f"Preview lesson {lesson.number}", icon=":material/schedule:")

st.caption("Everything runs on your own machine's CPU; each lesson says how long its training takes.")
st.subheader("Graded exercises")
st.markdown(
    "Each lesson has the course's graded exercise for its week in a panel under its introduction (house prices, "
    "stop at 98%, convolutions to 99.5%, happy or sad), checked the way the course's grader checks it."
)
exercise_record.record_ui("home")
# The map is drawn: import TensorFlow meanwhile, so that the first lesson opens without a wait.
warmup.start_in_background()
