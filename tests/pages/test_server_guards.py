"""Widget values of a kind their widget does not take, as only a hand-made client sends them:
Streamlit raised while reading them (before or while the page ran), so the visitor got the
redacted error box on that run and every later one. Now each is left out with a note, and the
widget keeps the value it had. (The clear_cache refusal is tested in test_training_jobs.py.)"""

from __future__ import annotations

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import ElementTree

from tests.pages.test_pages import open_app, shown
from tests.pages.test_training_jobs import served, tab

NOTE = "of a kind"  # in the note, one value or several

# Lesson 1's controls, each with a value of a kind it does not take (what the browser sends:
# a select box, a radio and a select slider their option's label, a slider a list of numbers,
# a number box a number, the table its edits as JSON text).
WRONG_KINDS = {
    "hw_optimizer": WidgetState(int_value=3),  # select box
    "hw_source": WidgetState(int_value=7),  # radio
    "hw_lr": WidgetState(string_value="x"),  # select slider
    "hw_points": WidgetState(string_value="abc"),  # slider
    "hw_seed": WidgetState(string_value="x"),  # whole-number box
    "hw_table": WidgetState(string_value="not JSON {"),  # the table of the learner's own points
}


def widget_id(app: AppTest, key: str) -> str:
    """The id Streamlit gave the control with this key (what a client sends its values under)."""
    found = []

    def walk(node) -> None:
        proto_id = getattr(getattr(node, "proto", None), "id", "")
        if isinstance(proto_id, str) and proto_id.endswith(f"-{key}"):
            found.append(proto_id)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return found[0]


def run_with(app: AppTest, monkeypatch, sent: WidgetState) -> AppTest:
    """Reruns the page with one widget's value replaced by `sent`, as a hand-made client would
    send it; later runs send what the page shows again."""
    streamlits = ElementTree.get_widget_states

    def with_sent_value(tree: ElementTree) -> WidgetStates:
        states = [state for state in streamlits(tree).widgets if state.id != sent.id]
        return WidgetStates(widgets=[*states, sent])

    monkeypatch.setattr(ElementTree, "get_widget_states", with_sent_value)
    try:
        app.run()
    finally:
        monkeypatch.setattr(ElementTree, "get_widget_states", streamlits)
    return app


def notes(app: AppTest) -> list[str]:
    return [shown(warning.value) for warning in app.warning if NOTE in shown(warning.value)]


@pytest.mark.parametrize("key", WRONG_KINDS)
def test_a_value_of_the_wrong_kind_is_left_out_with_a_note_and_the_control_keeps_its_value(monkeypatch, key):
    app = open_app("pages/hello_world.py")
    values = {name: app.session_state[name] for name in WRONG_KINDS}
    sent = WidgetState()
    sent.CopyFrom(WRONG_KINDS[key])
    sent.id = widget_id(app, key)
    run_with(app, monkeypatch, sent)
    assert not app.exception, app.exception
    assert notes(app) == [
        f"1 setting was sent a value of a kind its control does not take, and kept the value it had: {key}."
    ]
    assert {name: app.session_state[name] for name in values} == values  # the defaults, as before
    assert app.success or app.info  # the page went on to fit its line and show it
    app.run()
    assert not app.exception and not notes(app)  # said once


def test_wrong_kinds_in_a_real_servers_first_and_later_messages(monkeypatch):
    """Over a real server's websocket: the values in a tab's first message (before the page has
    made its widgets) and in a later one, where Streamlit read them before the page ran."""
    app = open_app("pages/hello_world.py")
    ids = {key: widget_id(app, key) for key in ("hw_optimizer", "hw_table", "hw_points")}

    def sent(key: str) -> WidgetState:
        state = WidgetState()
        state.CopyFrom(WRONG_KINDS[key])
        state.id = ids[key]
        return state

    def said(elements) -> tuple[list[str], list[str]]:
        kinds = [element.WhichOneof("type") for element in elements]
        warnings = [shown(element.alert.body) for element in elements if element.WhichOneof("type") == "alert"]
        return [kind for kind in kinds if kind == "exception"], [text for text in warnings if NOTE in text]

    with served("0.0.0.0", {}, script="streamlit_app.py") as stream:
        with tab(stream) as first:
            errors, noted = said(first.rerun(page="hello-world", widgets=[sent("hw_optimizer"), sent("hw_table")]))
            assert not errors and noted == [
                "2 settings were sent values of a kind their controls do not take, and kept the values they had: "
                "hw_optimizer, hw_table."
            ]
        with tab(stream) as later:
            later.rerun(page="hello-world")
            errors, noted = said(later.rerun(page="hello-world", widgets=[sent("hw_points"), sent("hw_table")]))
            assert not errors and len(noted) == 1 and noted[0].endswith("hw_points, hw_table.")
            errors, noted = said(later.rerun(page="hello-world"))
            assert not errors and not noted  # the next run is the page as usual
