"""The light side of training jobs, for every page including the home page: the server's one job
runner, who the learner is, whether their tab is open, their private upload space, and the sidebar
list of their trainings. Nothing here loads TensorFlow, so the course map opens at once; the
lesson pages' training pieces are in `components`."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core.base import cluster, course, fair_queue, jobs, language, session_files, settings
from ui import i18n, server_guards, session
from ui import progress as learner_progress

INDICATOR_POLL_S = 5.0  # how often the sidebar list of a learner's trainings is refreshed

server_guards.install()  # before any page of this server reads a stranger's message


def job_runner() -> jobs.JobRunner:
    """One runner for the whole server, shared by every visitor: the embedded training slots, or
    the Ray cluster at RAY_ADDRESS when one is set. While that cluster cannot be joined, a
    stand-in whose trainings fail at once with the reason (the page shows it); the server never
    trains in its place."""
    address = settings.current().ray_address
    if not address:
        return _embedded_runner()
    connection = _cluster_connection(address)
    if connection.attempt_due:
        with st.spinner(i18n.t("ui.training.cluster.joining")):
            return connection.runner()
    return connection.runner()


@dataclass
class ServerState:
    """What the server keeps for every visitor for as long as its process lives: the training
    slots with their queue and jobs, the way to the cluster, the unpacked uploads. It is made once
    and never sits in a Streamlit cache: any visitor's client can send Streamlit's `clear_cache`
    message, and a runner in `st.cache_resource` was replaced by an empty one, which lost every
    learner's training while the old one's threads went on using the CPU."""

    embedded_runner: jobs.LocalJobRunner | None = None
    clusters: dict[str, cluster.ClusterConnection] = field(default_factory=dict)  # by RAY_ADDRESS
    folders: session_files.SessionFolders | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)  # two first visitors make one of each


_SERVER = ServerState()


def _embedded_runner() -> jobs.JobRunner:
    with _SERVER.lock:
        if _SERVER.embedded_runner is None:
            _SERVER.embedded_runner = jobs.LocalJobRunner(connected=tab_open)
        return _SERVER.embedded_runner


def _cluster_connection(address: str) -> cluster.ClusterConnection:
    """Made here, joined on first use (`ClusterConnection.runner`, which can take seconds)."""
    with _SERVER.lock:
        if address not in _SERVER.clusters:
            _SERVER.clusters[address] = cluster.ClusterConnection(
                lambda: cluster.ray_runner(address, connected=tab_open)
            )
        return _SERVER.clusters[address]


def session_folders() -> session_files.SessionFolders:
    """The server's space for what sessions unpack: a folder each, deleted once its tab has gone."""
    with _SERVER.lock:
        if _SERVER.folders is None:
            _SERVER.folders = session_files.SessionFolders(
                alive=lambda learner: tab_open(learner)
            )  # looked up when called
        return _SERVER.folders


def learner_id() -> str:
    """This browser session's name for the runner (jobs have an owner; nobody sees another's): the
    Streamlit session's own id, so that the runner can ask whether its tab is still open."""
    kept = session.current()
    if not kept.learner:
        context = get_script_run_ctx()
        kept.learner = context.session_id if context is not None else uuid.uuid4().hex
    return kept.learner


def tab_open(learner: str) -> bool:
    """Whether this learner's browser tab is still connected. Streamlit keeps a closed tab's
    session for a while in case it reconnects, but not as an active one; outside a running server
    (tests that run pages directly) every learner counts as connected."""
    return Runtime.instance().is_active_session(learner) if Runtime.exists() else True


def client_key() -> str:
    """Whose share of the training slots this session's jobs count against (`fair_queue`): the
    signed-in account when there is one (`st.login`), else the visitor's network address, read
    from X-Forwarded-For only behind the reverse proxies the operator names in TRUSTED_PROXY."""
    return fair_queue.client_key(
        learner_id(),
        account=learner_progress.account_id(),
        address=st.context.ip_address,
        forwarded_for=st.context.headers.get_all("X-Forwarded-For"),
        trusted_proxies=fair_queue.trusted_proxies(),
    )


def jobs_indicator_ui() -> None:
    """Under the title of every page, why nothing can train when the cluster is unavailable; in
    the sidebar, this learner's trainings in any lesson, with their progress and a link back. It
    polls only while there is something to show."""
    runner = job_runner()
    if isinstance(runner, cluster.UnavailableRunner):
        problem = runner.problem
        said = i18n.say(problem.message) if isinstance(problem, language.LearnerError) else str(problem)
        st.warning(said, icon=":material/cloud_off:")
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
    words = i18n.words()
    st.caption(words("base.trainings.title"))
    lessons = {lesson.key: lesson for lesson in course.LESSONS}
    for status in statuses:
        lesson = lessons[status.lesson]
        if status.state is jobs.JobState.QUEUED:
            state = words("base.trainings.queued", place=status.queue_position)
        elif status.state is jobs.JobState.RUNNING:
            state = words("base.trainings.running", percent=words.percent(status.fraction, digits=0))
        elif status.state is jobs.JobState.FAILED:
            state = words("base.trainings.failed")
        else:
            state = words("base.trainings.done")
        label = f"{i18n.lesson_nav_title(lesson)} · {state}"
        st.page_link(lesson.page, label=label, icon=":material/model_training:")
