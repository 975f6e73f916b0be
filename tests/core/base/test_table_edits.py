"""Table edits from the browser are checked before Streamlit applies them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.base import language, table_edits

COLUMNS = ("x", "y")


def check(edits, rows=6, max_rows=200):
    return table_edits.problem_with(edits, rows, COLUMNS, max_rows)


def test_ordinary_edits_pass():
    assert check(None) is None
    assert check({"edited_rows": {}, "added_rows": [], "deleted_rows": []}) is None
    edits = {"edited_rows": {"0": {"x": 2}, 5: {"y": None}}, "added_rows": [{"x": 7}], "deleted_rows": [1]}
    assert check(edits) is None
    assert check({"edited_rows": {"6": {"x": 1}}, "added_rows": [{"_index": 6, "x": 1}]}) is None  # the new row


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        ({"edited_rows": {"99": {"x": 1}}}, "row '99'"),
        ({"edited_rows": {"-1": {"x": 1}}}, "row '-1'"),
        ({"edited_rows": {"0": {"zzz": 1}}}, "column"),
        ({"added_rows": [{"zzz": 1}]}, "column"),
        ({"added_rows": [{"x": 1}] * 100_000}, "at most 200 rows"),
        ({"added_rows": [{"x": 1}] * 195}, "at most 200 rows"),  # 6 + 195 rows
        ({"deleted_rows": [42]}, "deleted row"),
        ({"edited_rows": {"0": {"x": [1, 2]}}}, "not a number"),
        ({"added_rows": [{"x": {"nested": 1}}]}, "not a number"),
        ({"edited_rows": {"0": {"x": "9" * 1000}}}, "not a number"),
        ({"edited_rows": [1, 2]}, "form"),
        ({"surprise": 1}, "form"),
        ("not a dict", "form"),
    ],
)
def test_impossible_or_oversized_edits_are_named(edits, message):
    assert message in str(check(edits))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300)
@given(json_values | st.dictionaries(st.sampled_from(table_edits.EDIT_KINDS), json_values, max_size=3))
def test_any_json_the_browser_could_send_gets_an_answer_not_an_exception(edits):
    answer = check(edits)
    assert answer is None or isinstance(answer, language.Message)
