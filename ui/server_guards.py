"""What Streamlit's server does with messages no browser showing these pages sends, from a
client made by hand: answered here, before Streamlit acts on them.

- `clear_cache` empties the caches every visitor shares; a shared server refuses it.
- A widget value of a kind its widget does not take (a number for a select box, text that is no
  table) made Streamlit raise while reading it, before or while the page ran, so the visitor got
  the redacted error box, and kept getting it on every rerun. Such a value is now left out: the
  widget keeps the value it had (its default on a fresh page), and the page says so
  (`session.Session.refused`, shown by `components.experiment_link_ui`).

And what it does when a tab closes: Streamlit keeps the session, in case the tab comes back, for
`server.disconnectedSessionTTL` (2 minutes), but it drops an expired session only when another
session disconnects, so a closed tab's decoded photos and trained networks stayed in the server's
memory for as long as nobody else left. `_closed_when_reconnect_window_ends` closes it just before
that window ends (unless the tab came back), then hands the memory back to the system.

Streamlit 1.67 has no setting for any of these, so `install` wraps the methods of Streamlit's that act
on them, once per server process; `training_jobs`, which every page imports, calls it.
`tests/pages/test_training_jobs.py` and `test_server_guards.py` send such messages to a real
server over its websocket.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from streamlit.runtime import Runtime
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.state.common import WidgetMetadata
from streamlit.runtime.state.session_state import SessionState, WStates

from core.base import hosting, limits
from ui import session

LOG = logging.getLogger(__name__)
UNCHECKED_KINDS = frozenset({"chat_input_value"})  # reading one consumes its uploads; the app has no chat input
CLOSE_BEFORE_EXPIRY_S = 5.0  # a closed tab's session is closed this long before Streamlit's window ends
_disconnections: dict[str, object] = {}  # session id -> its latest disconnection (event-loop thread only)


def install() -> None:
    """Wraps Streamlit's handlers, once per process (a second call finds them wrapped)."""
    _wrap(AppSession, "_handle_clear_cache_request", _clear_on_own_server_only)
    _wrap(SessionState, "on_script_will_rerun", _readable_states_only)
    _wrap(SessionState, "register_widget", _register_with_a_readable_state)
    _wrap(Runtime, "disconnect_session", _closed_when_reconnect_window_ends)


def _wrap(owner: type, name: str, guard: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    streamlits = getattr(owner, name)
    if not getattr(streamlits, "guarded", False):
        guarded = guard(streamlits)
        guarded.guarded = True  # type: ignore[attr-defined]
        setattr(owner, name, guarded)


def _clear_on_own_server_only(clear_for_everyone: Callable[[AppSession], None]) -> Callable[[AppSession], None]:
    """Streamlit honours `clear_cache` from any client (the viewer's toolbar only hides the menu
    item). On a learner's own server it still clears; on a shared one a stranger cannot make the
    server decode the data sets and photos again (holding both copies while sessions use the old
    ones). The trainings are safe either way: they live outside the caches (`training_jobs`)."""

    def clear(session: AppSession) -> None:
        if hosting.any_folder_allowed(st.get_option("server.address")):
            clear_for_everyone(session)
        else:
            LOG.warning("A client asked to clear the caches every visitor shares; refused on a shared server.")

    return clear


def readable(state: WidgetState, metadata: WidgetMetadata[Any]) -> bool:
    """Whether Streamlit can take this value for this widget: it reads the value as the widget's
    and writes it back, as it does with every value on a run, on a scratch copy."""
    if state.WhichOneof("value") in UNCHECKED_KINDS:
        return True
    scratch = WStates()
    scratch.set_widget_from_proto(state)
    scratch.set_widget_metadata(metadata)
    try:
        scratch[state.id]
        scratch.get_serialized(state.id)
    except Exception:  # noqa: BLE001 - whatever Streamlit would raise on this value, it is left out
        return False
    return True


def _readable_states_only(will_rerun: Callable[..., None]) -> Callable[..., None]:
    """The values a browser sent for the widgets of the last run, less those Streamlit cannot
    read (it reads them before the page runs: for callbacks, and to keep the last values)."""

    def on_script_will_rerun(session_state: SessionState, fresh_widget_states: WidgetStates | None, **options) -> None:
        if fresh_widget_states is not None:
            known = session_state._new_widget_state.widget_metadata
            refused = [
                state
                for state in fresh_widget_states.widgets
                if state.id in known and not readable(state, known[state.id])
            ]
            if refused:
                keys = session_state._key_id_mapper.id_key_mapping
                session.note_refused(session_state, [keys.get(state.id, state.id) for state in refused])
                fresh_widget_states = WidgetStates(
                    widgets=[state for state in fresh_widget_states.widgets if state not in refused]
                )
        will_rerun(session_state, fresh_widget_states, **options)

    return on_script_will_rerun


def _register_with_a_readable_state(register: Callable[..., Any]) -> Callable[..., Any]:
    """A widget new to this session, whose value may have been sent before the page first made
    it: a value Streamlit cannot read is dropped before the widget takes it."""

    def register_widget(session_state: SessionState, metadata: WidgetMetadata[Any], user_key: str | None) -> Any:
        sent = getattr(session_state._new_widget_state.states.get(metadata.id), "value", None)
        if isinstance(sent, WidgetState) and not readable(sent, metadata):
            del session_state._new_widget_state[metadata.id]
            session.note_refused(session_state, [user_key or metadata.id])
        return register(session_state, metadata, user_key)

    return register_widget


def close_after_s(window_s: float) -> float:
    """When a closed tab's session is closed: before Streamlit's own window ends (after that it
    can no longer find the session to close it), and never later than the window."""
    return max(0.0, window_s - min(CLOSE_BEFORE_EXPIRY_S, window_s / 4))


def _closed_when_reconnect_window_ends(disconnect: Callable[..., None]) -> Callable[..., None]:
    """Streamlit disconnects a session on its event loop when its tab's websocket closes; a
    closing is scheduled on the same loop for when the tab can no longer come back."""

    def disconnect_session(runtime: Runtime, session_id: str, **options: Any) -> None:
        was_active = runtime.is_active_session(session_id)
        disconnect(runtime, session_id, **options)
        if not was_active or runtime.is_active_session(session_id):
            return
        this_time = _disconnections[session_id] = object()
        delay = close_after_s(float(st.get_option("server.disconnectedSessionTTL")))
        asyncio.get_running_loop().call_later(delay, _close_if_still_gone, runtime, session_id, this_time)

    return disconnect_session


def _close_if_still_gone(runtime: Runtime, session_id: str, disconnection: object) -> None:
    """A tab that came back (or left again later, with a closing of its own) is left alone."""
    if _disconnections.get(session_id) is not disconnection:
        return
    del _disconnections[session_id]
    if runtime.is_active_session(session_id):
        return
    runtime.close_session(session_id)
    while gc.collect():  # a session's state sits in reference cycles
        pass
    limits.return_freed_memory()
    LOG.info("Closed session %s: its tab did not come back.", session_id)
