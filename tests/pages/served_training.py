"""A page in miniature for a real `streamlit run` (tests/pages/test_training_jobs.py): its first
run submits a long tiny training for this session and unpacks an "upload" into its private
folder; every run shows, as JSON text, the runner it used, that job's state and progress, the
training threads alive in the server, whether the upload is still there, and a mark made once per
cache (a new mark: the caches were cleared). The address `?stop=1` presses Stop."""

import json
import threading
import uuid
from pathlib import Path

import streamlit as st

from core.base import jobs
from tests.pages import test_components as tiny
from ui import training_jobs


@st.cache_resource
def cache_mark() -> str:
    return uuid.uuid4().hex


runner = training_jobs.job_runner()
if "job" not in st.session_state:  # 100,000 epochs: it trains until Stop
    job = jobs.TrainingJob(
        "computer_vision", tiny.TinySettings(100_000), tiny.tiny_build, tiny.tiny_model, tiny.tiny_data()
    )
    st.session_state["job"] = runner.submit(training_jobs.learner_id(), job)
    unpacked = training_jobs.session_folders().fresh_folder(training_jobs.learner_id()) / "photo.png"
    unpacked.write_bytes(b"a learner's upload")
    st.session_state["upload"] = str(unpacked)
if st.query_params.get("stop"):
    runner.cancel(st.session_state["job"])
status = runner.status(st.session_state["job"])
upload = Path(st.session_state["upload"])
shown = {
    "cached": cache_mark(),
    "runner": id(runner),
    "job": st.session_state["job"],
    "state": status.state.value if status is not None else None,
    "epochs_run": status.progress.history.epochs_run if status is not None and status.progress else 0,
    "upload_kept": upload.parent == training_jobs.session_folders().folder_of(training_jobs.learner_id())
    and upload.exists(),
    "training_threads": sorted(thread.name for thread in threading.enumerate() if thread.name.startswith("job-")),
}
st.text(json.dumps(shown))
