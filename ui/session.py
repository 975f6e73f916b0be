"""Everything the app keeps in a learner's Streamlit session, typed, in one place.

Streamlit keeps values across the reruns of a page's script, one set per browser tab, in
`st.session_state`. This is the only module that touches it. The app's own values are the fields
of one `Session` (a single entry, `KEY`), each with its type and a line on what it holds, the way
a config dataclass lists its settings; a lesson's trainings are one `TrackState` per track (the
lesson's experiment, its graded exercise). The widgets' values, which Streamlit itself keeps
under each widget's `key=`, are reached through `widget_value` and friends, and the keys that the
shared widgets build are named here. Tests read the same fields (`of(app.session_state)`), never a
private string. Light: nothing here loads TensorFlow, so the course map stays fast.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import streamlit as st

from core.base import course, exercises, language, lifecycle, links
from core.base import runs as run_history

if TYPE_CHECKING:  # named for the type checker only: both load more than the course map needs
    import plotly.graph_objects as go

    from core.base import progress  # SQLAlchemy, loaded on the first write
    from core.engine import embedding_map, familiarity, image_classifier  # TensorFlow

KEY = "tf_first_steps"  # the one entry of st.session_state that holds the app's own values


@dataclass
class LiveFigure:
    """The running job's curves, drawn again only when an epoch has ended: a class polls every
    second, and building a figure each time took the server's time from the trainings."""

    job_id: str  # the job it draws
    epochs_run: int  # the epochs it shows
    figure: go.Figure


@dataclass
class KeptMaps:
    """A run's maps of its held-out images (`ui.embedding_map`), made once per run and method:
    t-SNE takes seconds, and every click on the map runs the page again."""

    run: image_classifier.TrainedRun  # the run they map: a new run's maps replace them
    by_method: dict[str, embedding_map.BeforeAndAfter] = field(default_factory=dict)  # "pca", "tsne"


@dataclass(frozen=True)
class Restored:
    """A lesson's runs brought back from the learner's saved work when this tab opened (`ui.progress`)."""

    count: int  # how many runs came back
    last_number: int  # the newest one's number
    last_finished: str  # when it ended, as the page says it ("2026-12-07 21:40 UTC")


@dataclass
class KeptTrainingMemory:
    """A run's training images as its network sees them, the yardstick of the familiarity flag
    under a drawing (`ui.drawing`): made once per run (a second or two), and every stroke reruns."""

    run: image_classifier.TrainedRun  # the run it measures with: a new run's memory replaces it
    memory: familiarity.TrainingMemory


@dataclass
class TrackState:
    """One track's trainings: a lesson's experiment, or its graded exercise (`course.Track`)."""

    jobs: lifecycle.TrackJobs = field(default_factory=lifecycle.TrackJobs)  # active job, waiting settings, notices
    result: image_classifier.TrainedRun | None = None  # the latest trained run, whose results the page shows
    runs: list[run_history.RunRecord] = field(default_factory=list)  # every run kept, oldest first (at most 50)
    live_figure: LiveFigure | None = None  # the active job's live curves, kept between polls
    callbacks: dict[Any, exercises.CallbackRule] = field(default_factory=dict)  # an exercise's callback by settings
    trained_on: dict[Any, str] = field(default_factory=dict)  # an MNIST exercise's digits by settings, for the grade
    grade: exercises.Grade | None = None  # an exercise graded at once (Lesson 1's): its latest grade
    maps: KeptMaps | None = None  # the latest run's held-out images mapped, once the learner opened a map
    restored: Restored | None = None  # the runs this tab brought back from the learner's saved work
    drawing_memory: KeptTrainingMemory | None = None  # the latest run's yardstick, once the learner drew
    drawn: Any = None  # the latest drawing as the network sees it (28×28 uint8): a star on the results' map


@dataclass(frozen=True)
class LinkVisit:
    """What a lesson did with the settings its address brought, read once on the visit's first run."""

    reading: links.LinkReading  # the settings taken, and a note on those that were not
    dropped: list[str]  # parameters still in the address that no widget took: a copied link leaves them out


@dataclass
class KeptCertificate:
    """The certificate the learner is offered: one id for its JSON and its PNG, and its files, each
    made once (a page polls every second while it trains, and a download keeps working between reruns)."""

    certificate_id: str  # `exercises.new_certificate_id()`: a teacher looks the certificate up by it
    learner: str  # the name it was made for, as given
    grades: tuple[exercises.Grade, ...]  # the passed grades it certifies, the record's own objects
    json: dict[str, bytes] = field(default_factory=dict)  # the JSON document, by language
    pictures: dict[str, exercises.CertificatePicture] = field(default_factory=dict)  # the PNG, by language


@dataclass
class Session:
    """The app's own values in one browser tab's session."""

    learner: str = ""  # this tab's name for the job runner (Streamlit's session id); "" until first asked
    tracks: dict[course.Track, TrackState] = field(default_factory=dict)  # every lesson's and exercise's trainings
    record: dict[str, exercises.Grade] = field(default_factory=dict)  # best grade per exercise key; a pass stays
    certificate_name: str | None = None  # the name the learner gave for the certificate; None until they give one
    certificate: KeptCertificate | None = None  # the certificate last offered, until its name or grades change
    pending: progress.PendingWrites | None = None  # writes the progress database has not taken yet (`ui.progress`)
    handed_over: set[str] = field(default_factory=set)  # attempt and certificate ids already handed to it
    progress_problem: language.Message | None = None  # why the progress database could not be opened
    restored_for: str = ""  # the learner whose saved work this tab brought back ("" until it has)
    flush_tried_at: float = float("-inf")  # when this tab last tried its waiting writes again (monotonic)
    seen_as: str | None = None  # the learner this tab last ran for ("" a guest; None before its first run)
    restore_tried_at: float = float("-inf")  # when this tab last asked the database for it (monotonic)
    arrivals: dict[str, dict[str, Any]] = field(default_factory=dict)  # query parameters a page opened with, by address
    link_visits: dict[str, LinkVisit] = field(default_factory=dict)  # by lesson key
    link_noted: set[str] = field(default_factory=set)  # lesson keys whose link note was shown this visit
    refused: tuple[str, ...] = ()  # controls whose hand-made values `server_guards` left out, until a page says so
    lessons: dict[str, Any] = field(default_factory=dict)  # each lesson's own record, by key (`lesson_record`)

    def track(self, track: course.Track) -> TrackState:
        """The track's state, made empty on first use."""
        return self.tracks.setdefault(track, TrackState())

    def forget_learners_work(self) -> None:
        """What this tab showed of one learner, dropped when another (or a guest) takes the tab over:
        their runs, record and certificate are theirs alone. Writes that wait keep their learner."""
        self.tracks, self.record, self.handed_over = {}, {}, set()
        self.certificate, self.certificate_name = None, None
        self.restored_for, self.restore_tried_at = "", float("-inf")

    def pending_writes(self) -> progress.PendingWrites:
        """The session's waiting writes, made on the first write (SQLAlchemy loads with them)."""
        if self.pending is None:
            from core.base import progress

            self.pending = progress.PendingWrites()
        return self.pending

    def runs_on(self, data_set: str) -> list[run_history.RunRecord]:
        """Every run in this session on one data set ("Fashion-MNIST"), whichever lesson or exercise
        trained it: a lesson compares its runs with others on the same data without reading another lesson."""
        return [run for state in self.tracks.values() for run in state.runs if run.data_set == data_set]


def of(state: MutableMapping[str, Any] | Any) -> Session:
    """The app's values in any session state: the running script's, one that a Streamlit hook is
    handed (`server_guards`), or a test's `AppTest.session_state`. Made empty on first use."""
    try:
        return state[KEY]
    except KeyError:
        made = Session()
        state[KEY] = made
        return made


def current() -> Session:
    """The app's values in the session of the script now running."""
    return of(st.session_state)


def track(track: course.Track) -> TrackState:
    """One track's state in the running session."""
    return current().track(track)


LessonRecord = TypeVar("LessonRecord")


def lesson_record(lesson: course.Lesson, kind: type[LessonRecord]) -> LessonRecord | None:
    """A lesson's own record in the running session, a dataclass of the lesson's package (the
    shared ui imports no lesson, so the lesson names its type), or None before it keeps one."""
    kept = current().lessons.get(lesson.key)
    return kept if isinstance(kept, kind) else None


def keep_lesson_record(lesson: course.Lesson, record: object) -> None:
    """Keeps a lesson's own record (one per lesson) for its page's next runs."""
    current().lessons[lesson.key] = record


def note_arrival(address: str, query_parameters: dict[str, Any]) -> None:
    """The address a page was first opened with this visit, before its widgets take (or drop) its settings."""
    current().arrivals.setdefault(address, query_parameters)


def note_refused(state: MutableMapping[str, Any] | Any, keys: list[str]) -> None:
    """`server_guards` left out the hand-made values of these controls (it is handed the session
    state by Streamlit, before the page runs); the page names them once (`take_refused`)."""
    kept = of(state)
    kept.refused = tuple(dict.fromkeys([*kept.refused, *keys]))


def take_refused() -> tuple[str, ...]:
    """The controls whose values were left out since the page last said so; said once."""
    kept = current()
    refused, kept.refused = kept.refused, ()
    return refused


# Widget values: Streamlit keeps each widget's value under its `key=`. The app reads a few of them
# directly (a table's edits before Streamlit applies them, every setting a link may carry).


def widget_value(key: str, default: Any = None) -> Any:
    """The value Streamlit keeps for the widget with this key, or `default` before it has one."""
    return st.session_state.get(key, default)


def set_widget(key: str, value: Any) -> None:
    """Sets a widget's value before the widget is drawn on this run (a choice made elsewhere on the page)."""
    st.session_state[key] = value


def forget_widget(key: str) -> None:
    """Drops a widget's value, so that it is drawn with its default (edits undone)."""
    st.session_state.pop(key, None)


def widget_values() -> dict[str, Any]:
    """Every widget value this session holds, by key: what a link's settings are compared with."""
    return {name: st.session_state[name] for name in st.session_state if isinstance(name, str) and name != KEY}


LANGUAGE = language.ADDRESS_KEY  # "lang": the language switch (ui/i18n.py), bound to the address as ?lang=ko

# The keys of the widgets the shared ui draws, each named once. A track's keys end in its key
# ("computer_vision" or "computer_vision_exercise"), a lesson's in the lesson's.


def stop_key(track: course.Track) -> str:
    return f"stop/{track.key}"  # "Stop training"


def replace_key(track: course.Track) -> str:
    return f"replace/{track.key}"  # "Stop it and train the new settings"


def keep_key(track: course.Track) -> str:
    return f"keep/{track.key}"  # "Keep it running"


def live_chart_key(track: course.Track) -> str:
    return f"live/{track.key}"  # the active job's live curves


def clear_runs_key(track: course.Track) -> str:
    return f"clear/{track.key}"  # "Clear run history"


def results_tabs_key(lesson: course.Lesson) -> str:
    return f"results/{lesson.key}"  # a classifier's results: confusion matrix, mistakes, probe


def probe_key(lesson: course.Lesson) -> str:
    return f"probe/{lesson.key}"  # the held-out image to probe


def map_method_key(lesson: course.Lesson, place: str) -> str:
    return f"map_method/{lesson.key}/{place}"  # PCA or t-SNE, for the map in one place ("results", "photos")


def map_chart_key(lesson: course.Lesson, place: str) -> str:
    return f"map/{lesson.key}/{place}"  # the map in one place, whose clicked point is shown beside it


def photos_map_key(lesson: course.Lesson) -> str:
    return f"map_open/{lesson.key}"  # "Your photos on the map", drawn only when opened


def drawing_key(track: course.Track) -> str:
    return f"drawing/{track.key}"  # "Draw it yourself": the canvas (a lesson's, or its exercise's)


def pen_width_key(track: course.Track) -> str:
    return f"pen/{track.key}"  # "Draw it yourself": the pen's width


def code_key(file_name: str) -> str:
    return f"code/{file_name}"  # the "Show the code" expander of one exported script


def certificate_key(extension: str, where: str) -> str:
    return f"certificate_{extension}/{where}"  # a certificate's download button, in one exercise or the course map


FORGET_KEY = "forget_saved_work"  # the sidebar's confirmation that deletes the learner's saved work


def sign_in_key(provider: str | None) -> str:
    return (
        f"sign_in/{provider or ''}"  # the sidebar's "sign in" button of one identity provider (none: the unnamed one)
    )


def certificate_name_key(where: str) -> str:
    return f"certificate_name/{where}"  # "Your name on the certificate", beside the certificate's buttons


def camera_switch_key(camera: str) -> str:
    return f"{camera}/on"  # "Use the camera", beside the camera with this key


def digits_key(exercise: str) -> str:
    return f"{exercise}_digits"  # an MNIST exercise's choice of digits: MNIST or the stand-in


def mnist_download_key(exercise: str) -> str:
    return f"{exercise}_download"  # "Download MNIST" in an MNIST exercise


def callback_keys(callback: str) -> tuple[str, str, str]:
    """An exercise's callback settings: the log it reads, how it compares, and the target."""
    return f"{callback}_metric", f"{callback}_comparison", f"{callback}_target"


def stop_rule_keys(prefix: str) -> tuple[str, str, str]:
    """A lesson's "Stop at a target" settings (bound to the address, so they are links' names too):
    the switch, the metric and the target."""
    return f"{prefix}_stop", f"{prefix}_stop_metric", f"{prefix}_stop_target"
