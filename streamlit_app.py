"""Entry point: page config and routing only. Run with `streamlit run streamlit_app.py`."""

import streamlit as st

from core.base import course
from core.engine import warmup
from ui import session

st.set_page_config(page_title="TensorFlow first steps", page_icon="🧠", layout="wide")

home = st.Page("pages/home.py", title="Course map", icon=":material/map:", default=True)
lessons = [
    st.Page(lesson.page, title=lesson.nav_title, icon=lesson.icon, url_path=lesson.url_path)
    for lesson in course.LESSONS
]
page = st.navigation({"Course": [home], "Lessons": lessons})
# The address a visitor arrived with, before the page's widgets take (or drop) its settings.
session.note_arrival(page.url_path, st.query_params.to_dict())
if page.url_path != home.url_path and not warmup.loaded():  # a lesson needs TensorFlow, imported once per server
    with st.spinner("Loading TensorFlow (first visit only: it takes a few seconds)..."):
        warmup.load()
page.run()
