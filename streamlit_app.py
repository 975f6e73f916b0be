"""Entry point: page config and routing only. Run with `streamlit run streamlit_app.py`."""

import streamlit as st

from core import course

st.set_page_config(page_title="TensorFlow first steps", page_icon="🧠", layout="wide")

home = st.Page("pages/home.py", title="Course map", icon=":material/map:", default=True)
lessons = [
    st.Page(lesson.page, title=lesson.nav_title, icon=lesson.icon, url_path=lesson.url_path)
    for lesson in course.LESSONS
]
st.navigation({"Course": [home], "Lessons": lessons}).run()
