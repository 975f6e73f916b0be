"""Lesson 4: placeholder until its step lands."""

import streamlit as st

from core.course import LESSONS

lesson = LESSONS[4 - 1]
st.title(f"Lesson {lesson.number} · {lesson.title}")
st.markdown(f"**The question:** {lesson.question}")
st.markdown(lesson.teaches)
st.info("Coming next: this lesson is being built. Start with Lesson 1 meanwhile.", icon=":material/schedule:")
st.page_link("pages/hello_world.py", label="Go to Lesson 1 · Hello, World", icon=":material/arrow_forward:")
