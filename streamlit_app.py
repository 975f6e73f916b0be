"""Entry point: page config and routing only. Run with `streamlit run streamlit_app.py`."""

import streamlit as st

st.set_page_config(page_title="TensorFlow first steps", page_icon="🧠", layout="wide")

pages = {
    "Course": [
        st.Page("pages/home.py", title="Course map", icon=":material/map:", default=True),
    ],
    "Lessons": [
        st.Page("pages/hello_world.py", title="1 · Hello, World", icon=":material/show_chart:", url_path="hello-world"),
        st.Page(
            "pages/computer_vision.py",
            title="2 · Computer vision",
            icon=":material/checkroom:",
            url_path="computer-vision",
        ),
        st.Page("pages/convolutions.py", title="3 · Convolutions", icon=":material/filter:", url_path="convolutions"),
        st.Page(
            "pages/real_world_images.py",
            title="4 · Real-world images",
            icon=":material/photo_camera:",
            url_path="real-world-images",
        ),
    ],
}

st.navigation(pages).run()
