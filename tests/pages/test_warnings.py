"""The page tests' guard against warnings (tests/pages/conftest.py) sees what a server would log."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


def seed_set_twice_script():
    import streamlit as st

    if "seed" not in st.session_state:
        st.session_state["seed"] = 3  # through the Session State API...
    st.number_input("Random seed", 0, 10, 0, key="seed")  # ...and a default: Streamlit warns


@pytest.mark.streamlit_warnings_expected
def test_a_widget_given_a_value_twice_is_caught(no_streamlit_warnings):
    app = AppTest.from_function(seed_set_twice_script)
    app.run()
    assert not app.exception
    messages = [record.getMessage() for record in no_streamlit_warnings]
    assert any('key "seed" was created with a default value' in message for message in messages), messages


def mixed_table_script():
    import pandas as pd
    import streamlit as st

    st.dataframe(pd.DataFrame({"from_run": ["off", 1]}))


@pytest.mark.streamlit_warnings_expected
def test_a_table_arrow_cannot_convert_is_caught(no_streamlit_warnings):
    app = AppTest.from_function(mixed_table_script)
    app.run()
    assert not app.exception
    assert any("Arrow" in record.getMessage() for record in no_streamlit_warnings)


def quiet_script():
    import streamlit as st

    st.number_input("Random seed", 0, 10, 0, key="seed")


def test_a_quiet_page_passes():
    app = AppTest.from_function(quiet_script)
    app.run()
    assert not app.exception
