"""Entry point: page config and routing only. Run with `streamlit run streamlit_app.py`."""

import streamlit as st

from core.base import course
from core.engine import warmup
from ui import i18n, session
from ui import progress as learner_progress

st.set_page_config(page_title=i18n.t("base.app.title"), page_icon="🧠", layout="wide")
i18n.language_ui()  # first: the navigation's titles are in the chosen language
learner_progress.progress_ui()  # who the learner is and where their work is saved; a teacher gets the class page

home = st.Page("pages/home.py", title=i18n.t("base.app.course_map"), icon=":material/map:", default=True)
lessons = [
    st.Page(lesson.page, title=i18n.lesson_nav_title(lesson), icon=lesson.icon, url_path=lesson.url_path)
    for lesson in course.LESSONS
]
course_pages = [home]
if learner_progress.is_teacher():
    course_pages.append(st.Page("pages/teacher.py", title=i18n.t("ui.teacher.nav_title"), icon=":material/groups:"))
page = st.navigation({i18n.t("base.app.course_group"): course_pages, i18n.t("base.app.lessons_group"): lessons})
# The address a visitor arrived with, before the page's widgets take (or drop) its settings.
session.note_arrival(page.url_path, st.query_params.to_dict())
if page.url_path != home.url_path and not warmup.loaded():  # a lesson needs TensorFlow, imported once per server
    with st.spinner(i18n.t("base.app.loading_tensorflow")):
        warmup.load()
learner_progress.restore()  # once per tab: the learner's saved runs, grades and certificate, where they left them
waiting = learner_progress.waiting_ui()  # writes the database has not taken yet: said before the page runs,
page.run()  # (a page that ends in st.stop() draws nothing after it)
learner_progress.waiting_ui(waiting)  # and again with what the page saved
