"""The server's training state against Streamlit's `clear_cache` message, sent by a client of a
real `streamlit run` over the websocket as a hand-made client would send it.

One such message used to replace the job runner (it sat in `st.cache_resource`) with an empty
one: every learner's training was lost while its thread went on training for nobody."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

from tests.conftest import REPOSITORY

websockets_client = pytest.importorskip("websockets.sync.client")

SERVED_PAGE = "tests/pages/served_training.py"  # submits a long tiny training, shows it as JSON
TIMEOUT_S = 120


@contextlib.contextmanager
def served(address: str, environment: dict[str, str], script: str = SERVED_PAGE, options: Sequence[str] = ()):
    """`streamlit run` of a script (the served page unless told), with these server options, on
    a free port of this machine; yields its websocket address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port)]
        + ["--server.address", address, "--server.fileWatcherType", "none", *options],
        cwd=REPOSITORY,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY), "TRAINING_SLOTS": "2", **environment},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "streamlit run did not answer within 60 s"
                time.sleep(0.3)
        yield f"ws://127.0.0.1:{port}/_stcore/stream"
    finally:
        server.kill()
        server.wait()


class Client:
    """A browser tab without the browser: Streamlit's protobuf messages over its websocket."""

    def __init__(self, socket) -> None:
        self.socket = socket

    def send(self, message: BackMsg) -> None:
        self.socket.send(message.SerializeToString())

    def receive_until(self, kind: str) -> list[ForwardMsg]:
        received = []
        while True:
            message = ForwardMsg()
            message.ParseFromString(self.socket.recv(timeout=TIMEOUT_S))
            received.append(message)
            if message.WhichOneof("type") == kind:
                return received

    def rerun(self, query: str = "", page: str = "", widgets: Sequence[WidgetState] = ()) -> list[Element]:
        """Runs the page (the one at this address path, or the main script) as a browser's rerun
        would, with these widget values; returns the elements it drew."""
        state = ClientState(query_string=query, page_name=page, widget_states=WidgetStates(widgets=widgets))
        self.send(BackMsg(rerun_script=state))
        return [
            message.delta.new_element
            for message in self.receive_until("script_finished")
            if message.WhichOneof("type") == "delta" and message.delta.WhichOneof("type") == "new_element"
        ]

    def run_page(self, query: str = "") -> dict:
        """Runs the served page; returns what it showed."""
        texts = [element.text.body for element in self.rerun(query) if element.WhichOneof("type") == "text"]
        return json.loads(texts[-1])

    def clear_cache(self) -> None:
        """Streamlit's own message, which the viewer's toolbar hides but the server still reads.
        The heartbeat after it is answered only once the server has handled the clearing."""
        self.send(BackMsg(clear_cache=True))
        self.send(BackMsg(app_heartbeat=True))
        self.receive_until("heartbeat_ack")


@contextlib.contextmanager
def tab(stream: str, session: str | None = None):
    """A tab; given the session id of a tab that closed, the same tab come back (as the
    browser's reconnect names it: the third entry of the websocket's subprotocols)."""
    protocols = ["streamlit"] if session is None else ["streamlit", "none", session]
    with websockets_client.connect(stream, subprotocols=protocols, open_timeout=30) as socket:
        yield Client(socket)


def poll(client: Client, condition, query: str = "") -> dict:
    """Reruns the page, as its polling would, until what it shows meets the condition."""
    deadline = time.monotonic() + TIMEOUT_S
    while not condition(shown := client.run_page(query)):
        assert time.monotonic() < deadline, f"timed out; the page showed {shown}"
        time.sleep(0.2)
    return shown


@pytest.mark.parametrize(
    "address, environment, caches_cleared",
    [
        ("127.0.0.1", {}, True),  # a learner's own server: the clearing is done
        ("127.0.0.1", {"ANY_FOLDER": "0"}, False),  # a shared server: refused
    ],
    ids=["own server", "shared server"],
)
def test_a_training_survives_a_clear_cache_message_and_no_orphaned_thread_trains_on(
    address, environment, caches_cleared
):
    with served(address, environment) as stream, tab(stream) as learner, tab(stream) as stranger:
        before = poll(learner, lambda shown: shown["state"] == "running" and shown["epochs_run"] > 0)
        stranger.clear_cache()

        after = poll(learner, lambda shown: shown["state"] != "running" or shown["epochs_run"] > before["epochs_run"])
        assert (after["cached"] != before["cached"]) is caches_cleared  # a cache of the page's own
        assert after["runner"] == before["runner"] and after["job"] == before["job"]
        assert after["state"] == "running" and after["training_threads"] == [before["job"]]
        assert before["upload_kept"] and after["upload_kept"]  # the learner's unpacked upload too

        stopped = poll(learner, lambda shown: shown["state"] != "running", query="stop=1")
        assert stopped["state"] == "stopped" and stopped["epochs_run"] >= after["epochs_run"]
        assert poll(learner, lambda shown: not shown["training_threads"])["training_threads"] == []


def test_a_closed_tab_lets_go_of_its_session_and_memory_when_it_can_no_longer_come_back(tmp_path):
    """Streamlit keeps a closed tab's session for `server.disconnectedSessionTTL` in case the tab
    comes back, and dropped it only when another session disconnected: with other learners still
    connected, a closed tab's photos stayed. Here one learner stays connected throughout."""
    ended = tmp_path / "ended"
    ended.mkdir()
    environment = {"SESSIONS_ENDED_DIR": str(ended)}
    window_s = 4
    options = ["--server.disconnectedSessionTTL", str(window_s)]
    with served("127.0.0.1", environment, "tests/pages/served_session.py", options) as stream, tab(stream) as staying:
        before = staying.run_page()
        with tab(stream) as leaving:
            left = leaving.run_page()
        assert left["resident_mb"] > before["resident_mb"] + 150  # it held its 200 MB

        with tab(stream, session=left["session"]) as back:  # the tab comes back within the window
            again = back.run_page()
            time.sleep(window_s / 2)
        assert again["session"] == left["session"] and again["made"] == left["made"]
        time.sleep(window_s * 0.6)  # past the closing the first leaving set: the return cancelled it
        assert left["session"] not in staying.run_page()["ended"]

        closed = time.monotonic()
        shown = poll(staying, lambda shown: left["session"] in shown["ended"])
        assert time.monotonic() - closed < window_s + 5
        assert before["session"] not in shown["ended"]
        settled = poll(staying, lambda shown: shown["resident_mb"] <= before["resident_mb"] * 1.10)
        assert settled["resident_mb"] <= before["resident_mb"] * 1.10
