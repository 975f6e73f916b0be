"""Who the learner is and where their work is saved (Step 15): the machine's user on their own
computer, the signed-in account on a shared server (`st.login()`, OpenID Connect), or a guest whose
work stays in the tab. Runs, graded attempts and certificates are written to the progress database
(`core.base.progress`, through `st.connection("progress", type="sql")`) when they end; a database
that cannot be reached costs nothing but a line in the sidebar, and the writes wait in the session.

The store is opened once per server and address, on the first write (a page that writes nothing
never touches the database); a failed opening is tried again after `RETRY_S`.
"""

from __future__ import annotations

import getpass
import logging
import threading
import time
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.base import course, exercises, hosting, language, text
from core.base import runs as run_history
from ui import i18n, session

if TYPE_CHECKING:  # SQLAlchemy is imported with the store, on the first write
    from core.base import progress

LOG = logging.getLogger(__name__)
RETRY_S = 30.0  # a database that could not be opened is asked again after this long, not on every rerun
FLUSH_RETRY_S = 10.0  # writes that wait are tried again at most this often (a locked SQLite file waits 5 s)
CONNECTION = "progress"  # st.connection's name: `[connections.progress]` in secrets sets its address

_lock = threading.Lock()
_stores: dict[str, progress.ProgressStore] = {}  # opened stores, by address, for the server's life
_failed_at: dict[str, float] = {}  # when opening an address last failed


def on_own_machine() -> bool:
    """The README's first command: a server only this computer can reach, whose one learner is its user."""
    return hosting.listens_on_loopback_only(st.get_option("server.address"))


def sign_in_providers() -> tuple[str | None, ...]:
    """The identity providers whoever runs the server set up in `.streamlit/secrets.toml`'s
    `[auth]`, in the order written (none: no sign-in is offered)."""
    try:
        auth = st.secrets.get("auth")
    except Exception:  # noqa: BLE001 - no secrets file at all: no sign-in
        return ()
    return configured_providers(auth) if isinstance(auth, Mapping) else ()


def configured_providers(auth: Mapping[str, object]) -> tuple[str | None, ...]:
    """`None` for the unnamed provider (its `client_id` in `[auth]` itself, `st.login()`), then
    the name of each `[auth.<name>]` section that has a `client_id` (`st.login("<name>")`).
    Streamlit refuses a provider's name with an underscore, so such a section is left out."""
    unnamed: tuple[str | None, ...] = (None,) if "client_id" in auth else ()
    named = tuple(
        name
        for name, section in auth.items()
        if isinstance(section, Mapping) and "client_id" in section and "_" not in name
    )
    return unnamed + named


def learner() -> progress.Learner | None:
    """This visitor as the progress store knows them, or None for a guest."""
    from core.base import progress

    if on_own_machine():
        user = _machine_user()
        return progress.Learner(f"local:{user}", user)
    account = account_id()
    if account is not None:
        email = str(st.user.get("email") or "")
        name = str(st.user.get("name") or email or st.user.get("sub") or "")
        return progress.Learner(account, name, email)
    return None


def account_id() -> str | None:
    """The signed-in account (`st.login()`), as every part of the app names it: "oidc:<issuer>|<subject>"
    (the email where the provider gives no subject); None when nobody is signed in. The progress
    store keeps work under it, and the training queue shares its slots by it."""
    if not st.user.get("is_logged_in"):  # the key exists only when sign-in is set up
        return None
    subject = str(st.user.get("sub") or st.user.get("email") or "")
    return f"oidc:{st.user.get('iss', '')}|{subject}"


def account_name() -> str:
    """The signed-in account's name, which a certificate carries unless the learner types another;
    "" for a guest and on the learner's own machine (whose user name is no name to print)."""
    visitor = learner()
    return "" if visitor is None or on_own_machine() else visitor.name


def _machine_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container's user with no name
        return "learner"


def is_teacher() -> bool:
    """Whether this visitor is one of the server's teachers (`TEACHERS`): the class page is theirs."""
    from core.base import progress

    visitor = learner()
    return visitor is not None and progress.is_teacher(visitor)


def store() -> progress.ProgressStore | None:
    """The progress database, opened once per server; None while it cannot be (the reason is
    kept for the sidebar, and it is asked again after `RETRY_S`)."""
    address = _address()
    with _lock:
        if address in _stores:
            return _stores[address]
        if time.monotonic() - _failed_at.get(address, -RETRY_S) < RETRY_S:
            return None
    from core.base import progress

    try:
        opened = progress.open_store(_engine(address))
    except language.LearnerError as problem:
        LOG.warning("The progress database is not available: %s", problem)
        with _lock:
            _failed_at[address] = time.monotonic()
        session.current().progress_problem = problem.message
        return None
    with _lock:
        _stores.setdefault(address, opened)
        _failed_at.pop(address, None)
        session.current().progress_problem = None
        return _stores[address]


def _address() -> str:
    """Where progress is kept: `[connections.progress]` in secrets when the server has it, else
    `PROGRESS_DATABASE_URL`, else the SQLite file in the user's data folder."""
    from core.base import progress

    return "secrets" if _in_secrets() else progress.database_url()


def _in_secrets() -> bool:
    try:
        return CONNECTION in st.secrets.get("connections", {})
    except Exception:  # noqa: BLE001 - no secrets file
        return False


def _engine(address: str):
    from core.base import progress

    try:
        if address == "secrets":
            return st.connection(CONNECTION, type="sql").engine
        return st.connection(CONNECTION, type="sql", url=address).engine
    except language.LearnerError:
        raise
    except Exception as problem:  # noqa: BLE001 - a malformed address or a missing driver
        raise progress.DatabaseRefused("base.messages.progress.bad_url", reason=type(problem).__name__) from None


def restore() -> None:
    """Once per tab, before its first page: the learner's saved work back where they left it. Each
    lesson's history gets its saved runs (the newest 50, as a history keeps), the record its graded
    attempts (a pass stays a pass), and the certificate its id, where the passes are the same. A
    database that does not answer is asked again on a rerun after `RETRY_S`; the page goes on."""
    visitor = learner()
    kept = session.current()
    who = "" if visitor is None else visitor.id
    if kept.seen_as is not None and kept.seen_as != who:  # signed out, or another account, in this tab
        kept.forget_learners_work()
    kept.seen_as = who
    if visitor is None or kept.restored_for == visitor.id:
        return
    if time.monotonic() - kept.restore_tried_at < RETRY_S:
        return
    kept.restore_tried_at = time.monotonic()
    opened = store()
    if opened is None:
        return
    from core.base import progress

    try:
        saved = opened.saved_work(visitor.id)
    except progress.FAILURES as problem:
        LOG.warning("The learner's saved work could not be read: %s", type(problem).__name__)
        return
    kept.restored_for = visitor.id
    _restore_runs(kept, saved)
    _restore_record(kept, saved)


def _restore_runs(kept: session.Session, saved: progress.SavedWork) -> None:
    for lesson in course.LESSONS:
        saved_runs = saved.runs_of(lesson.key, limit=run_history.HISTORY_LIMIT)
        if not saved_runs:
            continue
        state = kept.track(lesson.track)
        shown = {(run.number, run.loss) for run in state.runs}  # a tab that trained before the database answered
        back = [run.record for run in saved_runs if (run.record.number, run.record.loss) not in shown]
        if not back:
            continue
        state.runs = sorted([*back, *state.runs], key=lambda run: run.number)[-run_history.HISTORY_LIMIT :]
        newest = saved_runs[-1]
        finished = newest.finished_at.strftime("%Y-%m-%d %H:%M UTC")
        state.restored = session.Restored(len(back), newest.record.number, finished)


def _restore_record(kept: session.Session, saved: progress.SavedWork) -> None:
    for key, grade in saved.record().items():
        shown = kept.record.get(key)
        kept.record[key] = grade if shown is None else exercises.kept_grade(grade, shown)
    kept.handed_over.update(attempt.attempt_id for attempt in saved.attempts)
    passed = [grade for grade in kept.record.values() if grade.passed]
    certificate = saved.certificate_for(passed) if passed and kept.certificate is None else None
    if certificate is not None:
        name = str(certificate.payload.get("learner") or "")
        if kept.certificate_name is None:
            kept.certificate_name = name
        kept.certificate = session.KeptCertificate(certificate.certificate_id, name, tuple(passed))
        kept.handed_over.add(certificate.certificate_id)


def forget_runs(track: course.Track) -> bool:
    """ "Clear run history": the lesson's saved runs go too, and its runs that wait to be saved, so
    that a reload does not bring them back; False when the database could not be asked (the tab's
    history is cleared all the same)."""
    visitor = learner()
    if visitor is None:
        return True
    from core.base import progress

    kept = session.current()
    if kept.pending is not None:
        kept.pending.writes = [
            write
            for write in kept.pending.writes
            if not (isinstance(write, progress.RunWrite) and write.record.lesson == track.lesson.key)
        ]
    opened = store()
    if opened is None:
        return False
    try:
        opened.forget_runs(visitor.id, track.lesson.key)
    except progress.FAILURES:
        return False
    return True


def _save(write: progress.Write) -> None:
    """Hands a write to the session's waiting writes, which try the database at once."""
    session.current().pending_writes().save(store(), write)


def keep_run(track: course.Track, record: run_history.RunRecord) -> None:
    """A lesson's run, written once when its job has ended (an exercise's runs are its attempts)."""
    visitor = learner()
    if visitor is None or track.part is not course.Part.LESSON:
        return
    from core.base import progress

    _save(progress.run_write(visitor, uuid.uuid4().hex, record))


def keep_attempt(grade: exercises.Grade) -> None:
    """A graded attempt, written once: the grade panel is drawn on every rerun, so the session
    remembers which attempts it has handed over."""
    visitor = learner()
    if visitor is None:
        return
    attempt = uuid.uuid5(uuid.NAMESPACE_URL, f"{visitor.id}|{grade.exercise.key}|{grade.graded_at}|{grade.settings}")
    kept = session.current()
    if attempt.hex in kept.handed_over:
        return
    kept.handed_over.add(attempt.hex)
    from core.base import progress

    _save(progress.attempt_write(visitor, attempt.hex, grade))


def keep_certificate(certificate_id: str, grades: tuple[exercises.Grade, ...], name: str) -> None:
    """A certificate offered to the learner, under its id, so that a teacher can look it up."""
    visitor = learner()
    kept = session.current()
    if visitor is None or certificate_id in kept.handed_over:
        return
    kept.handed_over.add(certificate_id)
    from core.base import progress

    payload = exercises.certificate_json(grades, name, certificate_id=certificate_id)
    _save(progress.certificate_write(visitor, certificate_id, payload))


def progress_ui() -> None:
    """The sidebar's line on where the learner's work is saved: on this computer, for their
    account, or only in this tab (with a sign-in button where the server offers one)."""
    words = i18n.words()
    with st.sidebar:
        visitor = learner()
        if visitor is None:
            st.caption(words("ui.progress.guest"))
            sign_in_ui()
        elif on_own_machine():
            st.caption(words("ui.progress.kept_here", place=text.visible(_shown_place()).replace("`", "")))
            _forget_ui(visitor)
        else:
            st.caption(words("ui.progress.kept_for_account", name=text.plain(visitor.name)))
            st.button(words("ui.progress.sign_out"), on_click=st.logout, icon=":material/logout:")
            _forget_ui(visitor)


def sign_in_ui() -> None:
    """One "sign in" button per identity provider the server offers: with one, it just says sign
    in; with several (a school's Microsoft accounts and Google accounts, say), each names its own."""
    words = i18n.words()
    providers = sign_in_providers()
    for provider in providers:
        label = (
            words("ui.progress.sign_in")
            if len(providers) == 1 or provider is None
            else words("ui.progress.sign_in_with", provider=text.plain(provider.capitalize()))
        )
        st.button(
            label,
            key=session.sign_in_key(provider),
            on_click=st.login,
            args=(provider,),
            icon=":material/login:",
            help=words("ui.progress.sign_in_help"),
        )


def _forget_ui(visitor: progress.Learner) -> None:
    """ "Forget my saved work": everything the database keeps of this learner is deleted, after
    they confirm; what this tab shows stays until it closes."""
    words = i18n.words()
    with st.popover(words("ui.progress.forget"), icon=":material/delete:"):
        st.caption(words("ui.progress.forget_explained"))
        if st.button(words("ui.progress.forget_confirm"), key=session.FORGET_KEY, type="primary"):
            opened = store()
            if opened is None:
                st.warning(words("ui.progress.forget_unavailable"), icon=":material/cloud_off:")
                return
            kept = session.current()
            if kept.pending is not None:
                kept.pending.writes.clear()  # nothing that waits is written after the learner asked to forget
            deleted = opened.forget(visitor.id)
            st.success(words("ui.progress.forgotten", count=deleted), icon=":material/check:")


def waiting_ui(slot: DeltaGenerator | None = None) -> DeltaGenerator:
    """The writes that wait are tried again (at most every `FLUSH_RETRY_S`: a locked database makes
    each try wait), and while any still wait the sidebar says how many, and on the learner's own
    machine why. Called before the page runs, which makes the sidebar's place and returns it, and
    again after, with that place (the page's new writes said at once): a page that ends in
    `st.stop()` draws nothing after it, and the line from before stays."""
    if slot is None:
        slot = st.sidebar.empty()
    kept = session.current()
    if kept.pending is None or not kept.pending.writes:
        slot.empty()
        return slot
    if time.monotonic() - kept.flush_tried_at >= FLUSH_RETRY_S:
        kept.flush_tried_at = time.monotonic()
        opened = store()  # None again within `RETRY_S` of a failure to open it
        if opened is not None:
            kept.pending.flush(opened)
    waiting = kept.pending.notice()
    if waiting is None:
        slot.empty()
        return slot
    with slot.container():
        st.warning(i18n.say(waiting), icon=":material/cloud_off:")
        if kept.progress_problem is not None and on_own_machine():  # a shared server's address is no visitor's business
            st.caption(i18n.say(kept.progress_problem))
    return slot


def _shown_place() -> str:
    """Where this computer's learner's work goes: the SQLite file, or the database's address
    without its password (shown on the learner's own machine only)."""
    from core.base import progress

    if _in_secrets():
        return CONNECTION
    return progress.shown_place(progress.database_url())
