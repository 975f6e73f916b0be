"""The light side of training jobs, for every page including the home page: the server's one job
runner, who the learner is, whether their tab is open, their private upload space, and the sidebar
list of their trainings. Nothing here loads TensorFlow, so the course map opens at once; the
lesson pages' training pieces are in `components`."""

from __future__ import annotations

import os
import uuid

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core import cluster, course, jobs, session_files

INDICATOR_POLL_S = 5.0  # how often the sidebar list of a learner's trainings is refreshed


def job_runner() -> jobs.JobRunner:
    """One runner for the whole server, shared by every visitor: the embedded training slots, or
    the Ray cluster at RAY_ADDRESS when one is set. While that cluster cannot be joined, a
    stand-in whose trainings fail at once with the reason (the page shows it); the server never
    trains in its place."""
    address = os.environ.get(cluster.ADDRESS_VARIABLE)
    if not address:
        return _embedded_runner()
    connection = _cluster_connection(address)
    if connection.attempt_due:
        with st.spinner("Joining the Ray cluster that trains the models..."):
            return connection.runner()
    return connection.runner()


@st.cache_resource(show_spinner=False)
def _embedded_runner() -> jobs.JobRunner:
    return jobs.LocalJobRunner(connected=tab_open)


@st.cache_resource(show_spinner=False)
def _cluster_connection(address: str) -> cluster.ClusterConnection:
    return cluster.ClusterConnection(lambda: cluster.ray_runner(address, connected=tab_open))


@st.cache_resource(show_spinner=False)
def session_folders() -> session_files.SessionFolders:
    """The server's space for what sessions unpack: a folder each, deleted once its tab has gone."""
    return session_files.SessionFolders(alive=lambda learner: tab_open(learner))  # looked up when called


def learner_id() -> str:
    """This browser session's name for the runner (jobs have an owner; nobody sees another's): the
    Streamlit session's own id, so that the runner can ask whether its tab is still open."""
    if "learner" not in st.session_state:
        context = get_script_run_ctx()
        st.session_state["learner"] = context.session_id if context is not None else uuid.uuid4().hex
    return st.session_state["learner"]


def tab_open(learner: str) -> bool:
    """Whether this learner's browser tab is still connected. Streamlit keeps a closed tab's
    session for a while in case it reconnects, but not as an active one; outside a running server
    (tests that run pages directly) every learner counts as connected."""
    return Runtime.instance().is_active_session(learner) if Runtime.exists() else True


def jobs_indicator_ui() -> None:
    """Under the title of every page, why nothing can train when the cluster is unavailable; in
    the sidebar, this learner's trainings in any lesson, with their progress and a link back. It
    polls only while there is something to show."""
    runner = job_runner()
    if isinstance(runner, cluster.UnavailableRunner):
        st.warning(str(runner.problem), icon=":material/cloud_off:")
    if runner.jobs_of(learner_id()):
        with st.sidebar:
            _jobs_indicator()


@st.fragment(run_every=INDICATOR_POLL_S)
def _jobs_indicator() -> None:
    runner = job_runner()
    runner.heartbeat(learner_id())
    statuses = runner.jobs_of(learner_id())
    if not statuses:
        return
    st.caption("Your trainings")
    lessons = {lesson.key: lesson for lesson in course.LESSONS}
    for status in statuses:
        lesson = lessons[status.lesson]
        if status.state is jobs.JobState.QUEUED:
            state = f"queued, #{status.queue_position}"
        elif status.state is jobs.JobState.RUNNING:
            state = f"{status.fraction:.0%} trained"
        else:
            state = "done, see the results" if status.state is not jobs.JobState.FAILED else "failed"
        st.page_link(lesson.page, label=f"{lesson.nav_title} · {state}", icon=":material/model_training:")
