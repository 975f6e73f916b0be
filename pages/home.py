"""Home: the course map, one card per lesson with what it teaches and the question it answers."""

import streamlit as st

from core.base import course
from core.engine import warmup
from ui import exercise_record, i18n, training_jobs
from ui import progress as learner_progress

st.title(i18n.t("base.home.title"))
training_jobs.jobs_indicator_ui()
st.markdown(i18n.t("base.home.intro"))

# One row of columns per pair of lessons: on a phone, columns stack one under the other, so
# lessons laid out column by column would read 1, 3, 2, 4.
for row in range(0, len(course.LESSONS), 2):
    for column, lesson in zip(st.columns(2), course.LESSONS[row : row + 2], strict=False):
        with column.container(border=True):
            st.subheader(i18n.lesson_heading(lesson))
            st.markdown(i18n.t("base.home.question", question=i18n.lesson_text(lesson, "question")))
            st.markdown(i18n.lesson_text(lesson, "teaches"))
            if lesson.ready:
                start = i18n.t("base.home.start", number=lesson.number)
                st.page_link(lesson.page, label=start, icon=":material/arrow_forward:")
            else:
                st.caption(i18n.t("base.home.coming_next"))
                preview = i18n.t("base.home.preview", number=lesson.number)
                st.page_link(lesson.page, label=preview, icon=":material/schedule:")

st.caption(i18n.t("base.home.runs_here" if learner_progress.on_own_machine() else "base.home.runs_on_server"))
st.subheader(i18n.t("base.home.exercises_title"))
st.markdown(i18n.t("base.home.exercises_intro"))
exercise_record.record_ui("home")
# The map is drawn: import TensorFlow meanwhile, so that the first lesson opens without a wait.
warmup.start_in_background()
