"""Page pieces every lesson shares: training jobs with live progress, run history, results, "show the code".

Lessons call these instead of writing their own, so training, comparing runs and exporting code
look and behave the same everywhere. Logic stays in `core`; this only places it on the page. A
page describes its training job in plain sight (config, build function, data) and hands it over;
the job trains outside the page's script run, and a fragment polls it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import json
import math
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.scriptrunner import script_runner

from core.base import (
    course,
    exercises,
    fair_queue,
    hosting,
    jobs,
    language,
    lifecycle,
    limits,
    links,
    precision,
    table_edits,
    text,
)
from core.base import runs as run_history
from core.charts import classifier_charts, run_charts, training_charts
from core.data import fashion_mnist, image_folders, mnist, uploads
from core.engine import image_classifier, training
from ui import embedding_map, exercise_record, i18n, session, training_jobs, weights_over_epochs
from ui import progress as learner_progress


def _keep_keras_state_between_script_runs() -> None:
    """Streamlit calls `keras.backend.clear_session()` after every script and fragment run
    (`script_runner._clean_problem_modules`, for TF1-era graphs). Training jobs run in other
    threads while pages rerun, so that clearing renames their layers mid-build ("All layers ...
    should have unique names") and empties TensorFlow's kernel cache mid-training, which made a
    class's trainings many times slower. Keras 3 keeps no graph between runs, so the clearing is
    turned off for this server; matplotlib, which it also tidies, is not used here."""
    script_runner._clean_problem_modules = lambda: None


_keep_keras_state_between_script_runs()

# The English of `ui.data.fashion_confusion`: a page that passes it as its confusion note gets it
# said in the learner's language (`classifier_results_ui`).
FASHION_CONFUSION = "Shirts, T-shirts, pullovers and coats look alike at 28×28 pixels; that is where most mistakes are."


def _said(value: object) -> str:
    """A text core chose: a message said in this run's language, anything else as it is."""
    return i18n.say(value) if isinstance(value, language.Message) else str(value)


def _data_source(data: fashion_mnist.FashionMNIST, words: language.Words) -> str:
    """Where a data set came from, as its caption says it, in the learner's language."""
    return words.say(data.source_said or data.source)


def _error_text(error: Exception) -> str:
    """What a page shows of an error: a learner's error in their language, another as Python says it."""
    return i18n.say(error.message) if isinstance(error, language.LearnerError) else str(error)


@st.cache_resource(show_spinner=False)
def _fashion_mnist_data() -> fashion_mnist.FashionMNIST:
    return fashion_mnist.load_fashion_mnist()


def fashion_mnist_data() -> fashion_mnist.FashionMNIST:
    """Read-only and shared by every visitor and both Fashion-MNIST lessons: loaded once per server
    (the spinner is said in the learner's language, so it is drawn here, not by the cache)."""
    with st.spinner(i18n.t("ui.data.loading_fashion_mnist")):
        return _fashion_mnist_data()


fashion_mnist_data.clear = _fashion_mnist_data.clear  # type: ignore[attr-defined]  # as a cached function's


def fashion_mnist_ui() -> fashion_mnist.FashionMNIST:
    """The data set, or a message that says how to get it (and the page stops there)."""
    try:
        return fashion_mnist_data()
    except fashion_mnist.DataUnavailable as missing:
        data_unavailable_ui(missing, i18n.t("ui.data.fashion_mnist_missing"), st.error)
        st.stop()
        raise  # st.stop() ends the script run; this line only tells type checkers so
    except fashion_mnist.DatasetError as problem:  # a damaged file, named so that it gets fixed
        st.error(text.plain(_error_text(problem)), icon=":material/error:")
        st.stop()
        raise  # st.stop() ends the script run; this line only tells type checkers so


@st.cache_resource(show_spinner=False)
def _mnist_data() -> fashion_mnist.FashionMNIST:
    return mnist.load_mnist(allow_download=False)


def mnist_data() -> fashion_mnist.FashionMNIST:
    """MNIST's digits for the exercises of weeks 2 and 3 from this machine (MNIST_DIR or Keras's
    cache): read-only, loaded once per server. A failure is not cached, so a later download counts."""
    with st.spinner(i18n.t("ui.data.loading_mnist")):
        return _mnist_data()


mnist_data.clear = _mnist_data.clear  # type: ignore[attr-defined]  # as a cached function's


@st.cache_resource(show_spinner=False)
def _stand_in_digits() -> fashion_mnist.FashionMNIST:
    return mnist.load_stand_in_digits()


def stand_in_digits() -> fashion_mnist.FashionMNIST:
    """The offline stand-in for MNIST: read-only, made once per server."""
    with st.spinner(i18n.t("ui.data.scaling_digits")):
        return _stand_in_digits()


stand_in_digits.clear = _stand_in_digits.clear  # type: ignore[attr-defined]  # as a cached function's


# The radio's options (their values are what the code compares; the words are ui.data.choices.*).
MNIST_CHOICES = ("mnist", "stand_in")


def mnist_ui(key: str, stand_in_note: str) -> fashion_mnist.FashionMNIST | None:
    """The exercise's digits: real MNIST (MNIST_DIR, Keras's cache, or Keras's download, one
    press), or scikit-learn's bundled digits, labelled as a stand-in with what the target means on
    them (`stand_in_note`). Real MNIST comes first when it is on this machine; nothing is
    downloaded unasked. None (and a message) when real MNIST is chosen and cannot be had."""
    choice = st.radio(
        i18n.t("ui.data.digits_label"),
        list(MNIST_CHOICES),
        index=0 if mnist.available_locally() else 1,
        format_func=lambda choice: i18n.t(f"ui.data.choices.{choice}"),
        key=session.digits_key(key),
    )
    if choice == "stand_in":
        digits: fashion_mnist.FashionMNIST | None = stand_in_digits()
        st.info(i18n.t("ui.data.stand_in_notice", note=_said(stand_in_note)), icon=":material/info:")
    else:
        digits = _real_mnist_ui(key)
    if digits is None:
        return None
    words = i18n.words()
    st.caption(
        words(
            "ui.data.data_caption",
            source=text.plain(_data_source(digits, words)),
            train_count=words.number(len(digits.train_labels)),
            test_count=words.number(len(digits.test_labels)),
        )
    )
    return digits


def _real_mnist_ui(key: str) -> fashion_mnist.FashionMNIST | None:
    """MNIST from this machine, or from Keras's download once the learner presses for it."""
    try:
        return mnist_data()
    except fashion_mnist.DatasetError as problem:  # a damaged file, named so that it gets fixed
        st.error(text.plain(_error_text(problem)), icon=":material/error:")
        return None
    except mnist.MnistUnavailable as missing:
        download = i18n.t("ui.data.download.button", megabytes=mnist.DOWNLOAD_MB)
        if not st.button(download, key=session.mnist_download_key(key)):
            data_unavailable_ui(missing, i18n.t("ui.data.download.not_here"), st.info, i18n.t(STAND_IN_WORKS))
            return None
    try:
        with st.spinner(i18n.t("ui.data.download.downloading")):
            return mnist.load_mnist()
    except mnist.MnistUnavailable as failed:
        data_unavailable_ui(failed, i18n.t("ui.data.download.failed"), st.error, i18n.t(STAND_IN_WORKS))
    except fashion_mnist.DatasetError as problem:
        st.error(text.plain(_error_text(problem)), icon=":material/error:")
    return None


def data_unavailable_ui(
    problem: fashion_mnist.DataUnavailable, headline: str, show: Callable[..., object], after: str = ""
) -> None:
    """Why a data set is missing: the ways to get it, then what was tried, each its own list."""
    lines = [i18n.t("ui.data.unavailable.ways", headline=headline), ""]
    lines += [f"- {text.plain(_said(way))}" for way in problem.ways_said]
    lines += ["", i18n.t("ui.data.unavailable.tried"), ""]
    lines += [f"- {text.plain(_said(attempt))}" for attempt in problem.tried_said]
    if after:
        lines += ["", after]
    show("\n".join(lines), icon=":material/cloud_off:")


STAND_IN_WORKS = "ui.data.stand_in_works"  # said after what was tried when real MNIST is missing


@contextlib.contextmanager
def exercise_panel(lesson: course.Lesson, exercise: exercises.Exercise, key: str) -> Iterator[bool]:
    """The lesson's graded exercise in an expander drawn only when opened: the task and criterion
    first, then whatever the page places inside (when it yields True), then the learner's record."""
    title = exercise_record.exercise_text(exercise, "title")
    panel_label = i18n.t("ui.exercise.panel", week=exercise.week, title=title)
    with st.expander(panel_label, key=key, on_change="rerun") as panel:
        if not panel.open:
            yield False
            return
        exercise_intro_ui(exercise)
        yield True
        exercise_record.record_ui(lesson.exercise_track.key)


def start_mnist_exercise(
    lesson: course.Lesson, config, build: jobs.Build, make_model, digits, callback: exercises.CallbackRule
) -> None:
    """An MNIST exercise's training (weeks 2 and 3), on the lesson's own network and trainer,
    remembering which digits it trains on (MNIST or the stand-in) for the grade."""
    load_again = mnist.load_stand_in_digits_once if mnist.is_stand_in(digits) else mnist.load_mnist_once
    data_set = mnist.data_name(digits)
    job = fashion_mnist.training_job(lesson.key, config, build, make_model, digits, load_again, data_set=data_set)
    session.track(lesson.exercise_track).trained_on[job.config] = data_set
    start_exercise(lesson, job, callback)


def trained_on(lesson: course.Lesson, run: image_classifier.TrainedRun) -> str:
    """What the exercise's run was trained on, as `start_mnist_exercise` remembered it ("" when the
    session no longer knows)."""
    return session.track(lesson.exercise_track).trained_on.get(run.config, "")


def exercise_intro_ui(exercise: exercises.Exercise) -> None:
    st.markdown(i18n.t("ui.exercise.task", task=exercise_record.exercise_text(exercise, "task")))
    criterion = exercise_record.exercise_text(exercise, "criterion")
    if i18n.chosen() == "en":  # "Passes when" runs into the criterion's sentence
        criterion = criterion[0].lower() + criterion[1:]
    st.markdown(i18n.t("ui.exercise.passes_when", criterion=criterion))
    st.caption(i18n.t("ui.exercise.how_graded"))


def callback_ui(key: str, default_target: float) -> exercises.CallbackRule:
    """The course's callback as settings: the log it reads, how it compares, and the target."""
    st.markdown(i18n.t("ui.exercise.callback.intro"))
    metric_column, comparison_column, target_column = st.columns(3)
    metric_key, comparison_key, target_key = session.callback_keys(key)
    # The options are the logs' keys as the learner's code reads them: shown as Python writes them.
    metric = metric_column.selectbox(i18n.t("ui.exercise.callback.metric_label"), ["accuracy", "loss"], key=metric_key)
    comparison = comparison_column.selectbox(
        i18n.t("ui.exercise.callback.comparison_label"), list(exercises.COMPARISONS), key=comparison_key
    )
    target = target_column.number_input(
        i18n.t("ui.exercise.callback.target_label"), 0.0, 1.0, default_target, 0.001, format="%.3f", key=target_key
    )
    return exercises.CallbackRule(metric, comparison, float(target))


def start_exercise(lesson: course.Lesson, job: jobs.TrainingJob, callback: exercises.CallbackRule) -> None:
    """Queues an exercise's training on the lesson's exercise track, remembering the callback
    the grader will test (the trainer only sees the stopping rule it makes)."""
    session.track(lesson.exercise_track).callbacks[job.config] = callback
    _start(lesson.exercise_track, job)


def exercise_attempt_ui(
    lesson: course.Lesson,
) -> tuple[image_classifier.TrainedRun, exercises.CallbackRule] | None:
    """The exercise's job while it trains (live, with Stop), then its trained run and the
    callback it was trained with, for the page to grade; None before the first attempt."""
    track = lesson.exercise_track
    run = _training_ui(track)
    if run is None:
        return None
    callback = session.track(track).callbacks.get(run.config)
    if callback is None:  # the session no longer knows it (cleared): a callback that never fires
        callback = exercises.CallbackRule("loss", ">=", float("inf"))
    return run, callback


def session_runs(lesson: course.Lesson) -> list[run_history.RunRecord]:
    """The learner's runs for one lesson, kept in this browser session only."""
    return session.track(lesson.track).runs


def runs_on(data_set: str) -> list[run_history.RunRecord]:
    """Every run of this session on one data set (`fashion_mnist.NAME`), whichever lesson trained
    it: what a lesson compares its own runs with, without reading another lesson's."""
    return session.current().runs_on(data_set)


def record_run(lesson: course.Lesson, record: run_history.RunRecord) -> None:
    """A run the page trained itself (Lesson 1's line, trained as the page runs), with the address
    parameters of the settings it was trained with, unless it carries them already."""
    _record_run(lesson.track, record if record.link else dataclasses.replace(record, link=_settings_link()))


def _settings_link() -> dict[str, str]:
    """The page's address parameters now, the language aside: the settings on screen (every setting
    is bound to the address, Step 7), which open the same experiment with the same seed."""
    return {name: value for name, value in st.query_params.to_dict().items() if name != language.ADDRESS_KEY}


def next_run_number(lesson: course.Lesson) -> int:
    return _next_run_number(lesson.track)


def _record_run(track: course.Track, record: run_history.RunRecord) -> None:
    state = session.track(track)
    state.runs = run_history.add_run(state.runs, record)
    learner_progress.keep_run(track, record)  # saved for the learner where they have an account or their own machine


def _next_run_number(track: course.Track) -> int:
    runs = session.track(track).runs
    return runs[-1].number + 1 if runs else 1


def before_first_run_ui(lesson: course.Lesson, press_train: str | None) -> None:
    """A lesson page with no result in this tab yet: what to press (`press_train`, unless a training
    is under way or the page has nothing to say), and the learner's saved runs, where a reload or
    the next day brought them back (`ui.progress.restore`), with the line that says so."""
    if press_train is not None and not training_active(lesson):
        st.info(press_train)
    _saved_result_ui(lesson.track)
    if session_runs(lesson):
        runs_ui(lesson, log_scale=False)


def _saved_result_ui(track: course.Track) -> None:
    """The last result brought back from the learner's saved work (a reload, a restart, the next
    day), as far as a saved run keeps it: its held-out figures, time and epochs, and its curves;
    what needs its model (the confusion matrix, the mistakes, the map) comes with training it again."""
    state = session.track(track)
    restored = state.restored
    if restored is None or not state.runs or state.runs[-1].number > restored.last_number:
        return
    run, words = state.runs[-1], i18n.words()
    st.subheader(words("ui.runs.saved_result_title", number=run.number))
    _restored_ui(track, restored, run)
    figures = [
        (name, value)
        for name, value in run.results.items()
        if isinstance(value, int | float) and not isinstance(value, bool) and name != "parameters"
    ]
    columns = st.columns(len(figures) + 2)
    for column, (name, value) in zip(columns, figures, strict=False):
        said = words.percent(value, 2) if "accuracy" in name else f"{value:.4f}"
        column.metric(_capitalized(run_history.result_name(name, words=words)), said)
    columns[-2].metric(words("ui.results.training_time"), words("ui.results.seconds", seconds=f"{run.seconds:.1f}"))
    columns[-1].metric(words("ui.results.epochs_run"), words.number(len(run.loss)))
    kept = training.TrainingHistory(len(run.loss), list(run.loss), list(run.accuracy), seconds=run.seconds)
    st.plotly_chart(training_charts.training_curves(kept, words=words))  # as the results draw them


def runs_ui(lesson: course.Lesson, log_scale: bool) -> None:
    """The table of this session's runs and their loss curves overlaid, with a way to clear them."""
    runs = session_runs(lesson)
    words = i18n.words()
    st.subheader(words("ui.runs.title"))
    if not runs:
        st.caption(words("ui.runs.empty"))
        return
    st.caption(words("ui.runs.intro"))
    shared = run_history.shared_settings(runs) | run_history.shared_results(runs)
    if shared:  # said once rather than as columns, so the table fits a laptop's width
        settings = ", ".join(
            f"{run_history.result_name(name, words=words)}={run_history.said_cell(value, words=words)}"
            for name, value in shared.items()
        )
        said = words("ui.runs.same_in_every_run" if len(runs) > 1 else "ui.runs.settings", settings=settings)
        st.caption(text.plain(said))
    table = run_history.runs_table(runs, words=words)
    st.dataframe(table, hide_index=True, **_runs_table_layout(table, words))
    if len(runs) > 1:  # one run's curve is already in its results
        st.plotly_chart(run_charts.loss_overlay(runs, log_scale=log_scale, words=words))
    else:
        st.caption(words("ui.runs.overlay_later"))
    if st.button(words("ui.runs.clear"), key=session.clear_runs_key(lesson.track), help=words("ui.runs.clear_help")):
        state = session.track(lesson.track)
        state.runs, state.restored = [], None
        if not learner_progress.forget_runs(lesson.track):
            st.toast(words("ui.runs.clear_not_saved"), icon=":material/cloud_off:")
        st.rerun()


def _restored_ui(track: course.Track, restored: session.Restored, newest: run_history.RunRecord) -> None:
    """Under the saved result (`newest`, one the tab brought back): where it came from, and that its
    model was not kept (a saved run keeps settings, curves and figures), with the link to train it again."""
    words = i18n.words()
    key = "ui.runs.restored_one" if restored.count == 1 else "ui.runs.restored_many"
    said = words(key, count=restored.count, number=restored.last_number, when=restored.last_finished)
    if newest.link:  # Step 7's link: the same page with the run's settings, in the learner's language
        address = urllib.parse.urlencode({**newest.link, language.ADDRESS_KEY: words.language})
        said += "  \n" + words(
            "ui.runs.restored_link", number=newest.number, address=f"{track.lesson.url_path}?{address}"
        )
    else:  # a run kept before runs kept their links
        said += "  \n" + words("ui.runs.restored_by_hand")
    st.info(said, icon=":material/history:")


RUNS_TABLE_PX = 800  # a lesson's width on a 1280 px laptop screen with the sidebar open
CHARACTER_PX = 7.5  # one character of the table's font, a little generously
CELL_PADDING_PX = 18
OUTCOME_PX = 130  # "stopped at target, 12 epochs" takes two lines


def _runs_table_layout(table: pd.DataFrame, words: language.Words) -> dict:
    """The runs table's "settings" and "outcome" columns wrap in what the other columns leave of a
    laptop's width, its rows as tall as the longest text, so no column is cut off at the right."""
    settings_name = words("base.messages.runs.columns.settings")
    outcome_name = words("base.messages.runs.columns.outcome")
    wrapped = {settings_name, outcome_name} & set(table.columns)

    def fitted(name: str) -> float:  # the width the grid gives a column: its header or longest cell
        cells = [f"{value:.4f}".rstrip("0") if isinstance(value, float) else str(value) for value in table[name]]
        return CELL_PADDING_PX + CHARACTER_PX * max(len(name), *(len(cell) for cell in cells))

    widths = {outcome_name: OUTCOME_PX}
    others = sum(fitted(name) for name in table.columns if name not in wrapped)
    if settings_name in wrapped:
        widths[settings_name] = int(max(180, RUNS_TABLE_PX - others - OUTCOME_PX))

    def lines(name: str) -> int:
        longest = max(len(str(cell)) for cell in table[name])
        return math.ceil(longest * CHARACTER_PX / (widths[name] - CELL_PADDING_PX))

    return dict(
        column_config={name: st.column_config.TextColumn(name, width=widths[name]) for name in wrapped},
        row_height=max(35, 14 + 20 * max(lines(name) for name in wrapped)),
    )


def accuracy_overlay_ui(lesson: course.Lesson) -> None:
    """Training accuracy of every run in this session, overlaid."""
    runs = [run for run in session_runs(lesson) if run.accuracy]
    if len(runs) > 1:  # one run's curve is already in its results
        st.plotly_chart(run_charts.accuracy_overlay(runs, words=i18n.words()))


def show_code_ui(script: str, file_name: str) -> None:
    """The runnable Keras script for the current settings, with a download button."""
    with st.expander(
        i18n.t("ui.code.expander"),
        key=session.code_key(file_name),
        on_change="rerun",
    ) as code:
        if not code.open:  # drawn only when opened: a browser pays for every element on the page
            return
        st.caption(i18n.t("ui.code.stock_fit"))
        st.code(script, language="python")
        download = i18n.t("ui.code.download", file_name=file_name)
        st.download_button(download, script, file_name=file_name, mime="text/x-python")


def experiment_link_ui(lesson: course.Lesson) -> None:
    """ "Copy link to this experiment": the page's address with every setting on screen in it (the
    settings widgets are bound to the URL's query parameters), so the link opens the same
    experiment with the same seed. It is read in the browser (ui/experiment_link.html): settings
    sit in forms, whose changes reach the server only with Train, yet are in the address at once.
    What a visitor's link brought that the page did not use is said once, in a note; so is a
    value of the wrong kind that a hand-made client sent a control (`server_guards` left it out)."""
    visit = _link_visit(lesson)
    noted = session.current().link_noted
    if visit.reading.note and lesson.key not in noted:
        noted.add(lesson.key)  # once per visit
        st.warning(text.plain(visit.reading.note_in(i18n.words()) or ""), icon=":material/link_off:")
    refused = links.refused_note(session.take_refused(), words=i18n.words())
    if refused:
        st.warning(text.plain(refused), icon=":material/block:")
    with st.popover(i18n.t("ui.link.popover"), icon=":material/link:"):
        st.caption(i18n.t("ui.link.caption"))
        st.html(experiment_link_box(visit.dropped, i18n.chosen()), unsafe_allow_javascript=True)


_EXPERIMENT_LINK = (Path(__file__).parent / "experiment_link.html").read_text()


def experiment_link_box(dropped: Sequence[str], language_code: str) -> str:
    """The link's box (ui/experiment_link.html) in the learner's language: its button and status
    words, and the language the copied link carries (`?lang=`), so a shared link opens in it too."""
    words = language.words(language_code)
    filled = {
        "__DROPPED__": json.dumps(list(dropped)),
        "__LANGUAGE_KEY__": language.ADDRESS_KEY,
        "__LANGUAGE__": language_code,
        "__COPY__": words("ui.link.box.copy"),
        "__COPIED__": words("ui.link.box.copied"),
        "__SELECTED__": words("ui.link.box.selected"),
    }
    box = _EXPERIMENT_LINK
    for marker, value in filled.items():
        box = box.replace(marker, html.escape(value, quote=True))
    return box


def _link_visit(lesson: course.Lesson) -> session.LinkVisit:
    """What the page did with the settings its address brought, and the parameters a copied link
    leaves out: those no widget took that are still in the address (Streamlit removes a refused
    value of its own widgets, and leaves unknown names). Read once per visit, on the first run,
    while the widgets still hold what the link sent."""
    visits = session.current().link_visits
    if lesson.key not in visits:
        arrived = session.current().arrivals.get(lesson.url_path, {})  # noted by streamlit_app.py
        reading = links.read_link(arrived, session.widget_values())
        in_address = set(st.query_params.to_dict())
        visits[lesson.key] = session.LinkVisit(reading, [name for name in reading.unused if name in in_address])
    return visits[lesson.key]


def stop_rule_ui(key_prefix: str, default_target: float) -> training.StopAtTarget | None:
    """The course's callback settings, the same in every lesson that offers it: the rule, or None
    when the learner leaves it off."""
    enabled_key, metric_key, target_key = session.stop_rule_keys(key_prefix)
    words = i18n.words()
    enabled = st.checkbox(words("ui.stop_rule.enabled"), False, key=enabled_key, bind="query-params")
    metric = st.radio(
        words("ui.stop_rule.metric"),
        ["accuracy", "loss"],
        horizontal=True,
        format_func=lambda metric: words(f"ui.stop_rule.{metric}"),
        key=metric_key,
        bind="query-params",
    )
    target = st.number_input(
        words("ui.stop_rule.target"),
        0.0,
        1.0,
        default_target,
        0.01,
        key=target_key,
        bind="query-params",
    )
    return training.StopAtTarget(metric, float(target)) if enabled else None


def precision_ui(key: str, default: bool = True) -> bool:
    """The learner's switch for bfloat16, shown only where the processor computes it natively (on
    by default there, unless the lesson trains faster in float32); elsewhere every training is
    float32 and there is nothing to choose."""
    if not precision.bfloat16_available():
        return False
    return st.toggle(
        i18n.t("ui.precision.label"),
        value=default,
        key=key,
        bind="query-params",
        help=i18n.t("ui.precision.help"),
    )


def data_editor(data: pd.DataFrame, key: str, max_rows: int, **options) -> pd.DataFrame:
    """`st.data_editor`, but the edits the browser sent are checked first: edits this table
    cannot take (a row or a column it does not have, more rows than allowed) are dropped with a
    message instead of raising inside Streamlit."""
    edits = session.widget_value(key)
    problem = table_edits.problem_with(edits, len(data), [str(c) for c in data.columns], max_rows)
    if problem is not None:
        session.forget_widget(key)
        st.warning(i18n.t("ui.table.undone", problem=_said(problem)), icon=":material/undo:")
    return st.data_editor(data, key=key, **options)


def upload_limit_mb(types: Sequence[str]) -> int:
    """The most one file of these types may weigh, in Streamlit's megabytes (MiB): 10 for a photo
    (the guarded decoder's limit), 150 for a zip of class folders (`ZipLimits`)."""
    most = image_folders.ZipLimits().max_zip_bytes if "zip" in types else uploads.MAX_UPLOAD_BYTES
    return math.ceil(most / 2**20)


def file_uploader(label: str, key: str, types: Sequence[str], **options):
    """`st.file_uploader` for untrusted files, whose own line reads the real limit for `types`
    ("10MB per file"; the browser refuses a bigger file before sending it). The label names the
    types in words; the widget is given none, because Streamlit shows a type list as typed ("image/jpeg,
    JPG") and, given only extensions, raises its own error for a file a script sends past the picker.
    The app's guarded decoders check every file's content and answer in words."""
    limit_mb = upload_limit_mb(types)
    _uploader_words_ui(key, limit_mb)
    return st.file_uploader(label, key=key, max_upload_size=limit_mb, **options)


def _css_string(words: str) -> str:
    """Words as a CSS string: quoted, with backslashes, quotes and "<" (which could end the style) escaped."""
    escaped = words.replace("\\", "\\5C ").replace('"', "\\22 ").replace("<", "\\3C ")
    return f'"{escaped}"'


def _uploader_words_ui(key: str, limit_mb: int) -> None:
    """Streamlit writes its uploader's button ("Upload") and limit line ("10MB per file") in
    English, with no setting for either (1.67); in another language this uploader's are written
    over from the catalogue, with a style for its element only (`st-key-<key>`), which takes no space."""
    words = i18n.words()
    if words.language == language.DEFAULT:
        return
    button, limit = (_css_string(words(f"ui.uploader.{name}", megabytes=limit_mb)) for name in ("button", "limit"))
    uploader = f".st-key-{key} [data-testid='stFileUploaderDropzone']"
    st.html(
        f"<style>{uploader} button [data-testid='stMarkdownContainer'] p {{font-size: 0}}"
        f"{uploader} button [data-testid='stMarkdownContainer'] p::after {{content: {button}; font-size: 1rem}}"
        f"{uploader} [data-testid='stFileUploaderDropzoneInstructions'] span {{font-size: 0}}"
        f"{uploader} [data-testid='stFileUploaderDropzoneInstructions'] span::after "
        f"{{content: {limit}; font-size: 0.875rem}}</style>"
    )


def camera_ui(label: str, key: str):
    """A photo from the learner's camera, a source wherever a photo upload is accepted. The camera
    starts only when switched on (the browser asks first); the shot is a JPEG upload, decoded by
    the same guarded decoder as any other, and stays in this session."""
    switch = i18n.t("ui.camera.toggle")
    if st.toggle(switch, key=session.camera_switch_key(key), help=i18n.t("ui.camera.toggle_help")):
        return st.columns(2)[0].camera_input(label, key=key)  # half the width: the preview is only a viewfinder
    return None


POLL_S = 1.0  # how often a page asks its running job for progress
QUEUE_POLL_S = 2.5  # how often a page asks its queued job for its place; every poll redraws the page

# How the page says each way a job can leave its track (`lifecycle.Ending`): the element and its icon.
ENDING_STYLES: dict[lifecycle.Ending, tuple[Callable[..., object], str]] = {
    lifecycle.Ending.FAILED: (st.error, ":material/error:"),
    lifecycle.Ending.NOTHING_TRAINED: (st.info, ":material/info:"),
    lifecycle.Ending.TIME_LIMIT: (st.warning, ":material/timer_off:"),
    lifecycle.Ending.STOPPED: (st.warning, ":material/pause_circle:"),
    lifecycle.Ending.LOST: (st.warning, ":material/info:"),
    lifecycle.Ending.BUSY: (st.warning, ":material/hourglass_disabled:"),
}


def start_training(lesson: course.Lesson, job: jobs.TrainingJob) -> None:
    """Train was pressed: queue the job, unless one of this lesson is still active, in which case
    the page asks first (a learner has at most one active job per lesson). On a shared server
    the job carries the server's time limit for one training."""
    _start(lesson.track, job)


def training_ui(lesson: course.Lesson) -> image_classifier.TrainedRun | None:
    """The question about a pending run, the live job (polled, so the learner can keep working)
    and the latest finished run of this lesson, or None before the first."""
    return _training_ui(lesson.track)


def training_active(lesson: course.Lesson) -> bool:
    """Whether this lesson has a training queued or under way (its progress is on the page), so a
    page asks the learner to press Train only when there is nothing to wait for."""
    return _active_status(lesson.track) is not None


def _start(track: course.Track, job: jobs.TrainingJob) -> None:
    job = dataclasses.replace(job, link=_settings_link())
    if not hosting.any_folder_allowed(st.get_option("server.address")):  # not the learner's own machine
        job = dataclasses.replace(job, time_limit_s=limits.time_limit_s())
    _poll(track)  # a job that has ended since the last poll is recorded first, and no longer asks
    step = _apply(track, lifecycle.Train(job))
    if any(isinstance(action, lifecycle.Submit) for action in step.actions):
        st.rerun()  # from the top, so that the sidebar lists the new job too


def _training_ui(track: course.Track) -> image_classifier.TrainedRun | None:
    training_jobs.job_runner().heartbeat(training_jobs.learner_id())
    notices = session.track(track).jobs.notices
    if notices:
        _apply(track, lifecycle.NoticesShown())
    for notice in notices:
        show, icon = ENDING_STYLES[notice.ending]
        show(_said(notice.text), icon=icon)
    if session.track(track).jobs.pending is not None:
        _pending_ui(track)
    active = session.track(track).jobs.active
    if active is not None:
        status = training_jobs.job_runner().status(active.job_id)
        if status is not None and status.state is jobs.JobState.QUEUED:
            _queued_ui(track)
        else:
            _job_ui(track)
    return session.track(track).result


def _apply(track: course.Track, event: lifecycle.Event) -> lifecycle.Step:
    """Moves the track on (`lifecycle.next_state`) and carries out what the move asks, in order."""
    state = session.track(track)
    step = lifecycle.next_state(state.jobs, event)
    state.jobs = step.track
    runner = training_jobs.job_runner()
    for action in step.actions:
        match action:
            case lifecycle.Submit(spec):
                _submit(track, spec)
            case lifecycle.Cancel(job_id):
                runner.cancel(job_id)
            case lifecycle.Record():
                _record(track, action)
            case lifecycle.Forget(job_id):
                runner.forget(job_id)
                state.live_figure = None
    return step


def _submit(track: course.Track, job: jobs.TrainingJob) -> None:
    """Queues the job, or, when the server's queue has no room for it, says so and when to try
    again (shown on the page's next run, which every caller starts)."""
    try:
        job_id = training_jobs.job_runner().submit(training_jobs.learner_id(), job, client=training_jobs.client_key())
    except fair_queue.ServerBusy as busy:
        _apply(track, lifecycle.Refused(busy.message))
        return
    _apply(track, lifecycle.Queued(job_id, job))


def _active_status(track: course.Track) -> jobs.JobStatus | None:
    """The runner's status of the track's job while it is queued or training, else None."""
    active = session.track(track).jobs.active
    status = training_jobs.job_runner().status(active.job_id) if active is not None else None
    return status if status is not None and status.state.active else None


def _poll(track: course.Track) -> None:
    """Asks the runner about the track's job and moves the track on: an ended job is recorded
    once, a lost one said so."""
    active = session.track(track).jobs.active
    if active is not None:
        _apply(track, lifecycle.Polled(training_jobs.job_runner().status(active.job_id)))


def _pending_ui(track: course.Track) -> None:
    with st.container(border=True):
        st.warning(i18n.t("ui.training.pending.question"), icon=":material/help:")
        stop_column, keep_column = st.columns(2)
        replace = i18n.t("ui.training.pending.replace")
        if stop_column.button(replace, key=session.replace_key(track), type="primary"):
            _poll(track)  # when it has ended meanwhile, the new settings start now
            if session.track(track).jobs.pending is not None:  # else they started as it ended
                _apply(track, lifecycle.Replace())  # or once it has stopped and been recorded
            st.rerun()
        if keep_column.button(i18n.t("ui.training.pending.keep"), key=session.keep_key(track)):
            _apply(track, lifecycle.Keep())
            st.rerun()


@st.fragment(run_every=QUEUE_POLL_S)
def _queued_ui(track: course.Track) -> None:
    """Polls a queued job, less often than a running one: its place changes only when a job ends,
    and each poll costs the learner's browser a redraw of the page (in a class, most pages wait).
    Once the job has started, the page runs again and polls it every second."""
    active = session.track(track).jobs.active
    runner = training_jobs.job_runner()
    runner.heartbeat(training_jobs.learner_id())
    status = runner.status(active.job_id) if active is not None else None
    if status is None or status.state is not jobs.JobState.QUEUED:
        st.rerun()
    _progress_ui(track, status)


@st.fragment(run_every=POLL_S)
def _job_ui(track: course.Track) -> None:
    """Polls this track's job: its place in the queue, or its progress and live curves, with a
    Stop button; when it ends, records the run once and redraws the page with the results."""
    active = session.track(track).jobs.active
    if active is None:
        return
    runner = training_jobs.job_runner()
    runner.heartbeat(training_jobs.learner_id())
    status = runner.status(active.job_id)
    _apply(track, lifecycle.Polled(status))
    if status is not None and status.state.active:
        _progress_ui(track, status)
        return
    st.rerun()  # it ended (recorded, and any waiting settings started) or was lost: the page shows why


def _progress_ui(track: course.Track, status: jobs.JobStatus) -> None:
    active = session.track(track).jobs.active
    words = i18n.words()
    if status.state is jobs.JobState.QUEUED:
        if status.estimated_wait_s:
            wait = words("ui.training.progress.wait_seconds", seconds=f"{status.estimated_wait_s:.0f}")
        else:
            wait = words("ui.training.progress.wait_any_moment")
        st.info(
            words("ui.training.progress.queued", place=status.queue_position, wait=wait),
            icon=":material/hourglass_top:",
        )
    elif status.progress is None:
        st.progress(0.0, text=words("ui.training.progress.starting"))
    else:
        progress = status.progress
        st.progress(progress.fraction, text=words.say(progress.status_message))
        if progress.history.epochs_run:
            st.plotly_chart(_live_curves(track, status.job_id, progress.history), key=session.live_chart_key(track))
    st.caption(words("ui.training.progress.where", where=_said(training_jobs.job_runner().where)))
    if active is not None and active.stopping:
        st.caption(words("ui.training.progress.stopping"))
    elif st.button(
        words("ui.training.progress.stop"), key=session.stop_key(track), help=words("ui.training.progress.stop_help")
    ):
        _apply(track, lifecycle.Stop())
        st.rerun(scope="fragment")


def _live_curves(track: course.Track, job_id: str, history: training.TrainingHistory) -> go.Figure:
    """The live chart, drawn again only when an epoch has ended (`session.LiveFigure`)."""
    state = session.track(track)
    drawn = state.live_figure
    if drawn is None or (drawn.job_id, drawn.epochs_run) != (job_id, history.epochs_run):
        figure = training_charts.training_curves(history, i18n.t("ui.training.live.title"), words=i18n.words())
        drawn = state.live_figure = session.LiveFigure(job_id, history.epochs_run, figure)
    return drawn.figure


def _record(track: course.Track, ended: lifecycle.Record) -> None:
    """Keeps an ended job's run once: the rebuilt model, its history and evaluation, and a run row."""
    spec, result = ended.spec, ended.result
    model = spec.make_model(spec.config)
    model.set_weights(result.weights)
    history, evaluation, held_out = result.history, result.evaluation, result.held_out
    if evaluation is None or held_out is None:
        raise ValueError("An image lesson's job must score its model on held-out images.")
    session.track(track).result = image_classifier.TrainedRun(spec.config, model, history, evaluation, held_out)
    name = held_out.name
    _record_run(
        track,
        run_history.RunRecord(
            lesson=track.lesson.key,
            number=_next_run_number(track),
            settings=run_history.settings_of(spec.config),
            loss=tuple(history.loss),
            accuracy=tuple(history.accuracy),
            seconds=history.seconds,
            results={
                f"{name} accuracy": round(evaluation.accuracy, 4),
                f"{name} loss": round(evaluation.loss, 4),
                "parameters": model.count_params(),
            },
            outcome=result.outcome,
            data_set=spec.data_set,
            link=spec.link,
        ),
    )


def _split_words(split_name: str, words: language.Words) -> str:
    """What the held-out images are called ("test", "validation", "training"), in the page's language."""
    key = f"base.messages.history.held_out.{split_name}"
    return words(key) if key in words.entries else split_name


def _capitalized(label: str) -> str:
    """A label that starts with a split's name ("test accuracy"), as a heading writes it."""
    return label[:1].upper() + label[1:]


def classifier_results_ui(
    lesson: course.Lesson,
    run: image_classifier.TrainedRun,
    class_names: Sequence[str],
    confusion_note: str | None = None,
    best_epoch: int | None = None,
    precision_reason: str | None = None,
) -> None:
    """Held-out metrics with the precision that ran (and the lesson's `precision_reason` when it
    prefers float32), training curves (with `best_epoch` starred when the page names it), the
    confusion matrix, the mistakes, a probe of one image, the map of how the network arranges the
    held-out images before and after training (`ui.embedding_map`) and, when the run recorded them,
    its weights and gradients over the epochs."""
    history, evaluation = run.history, run.evaluation
    test_images, test_labels, split_name = run.held_out.images, run.held_out.labels, run.held_out.name
    words = i18n.words()
    split = _split_words(split_name, words)
    st.subheader(words("ui.results.title", count=words.number(len(test_labels)), split=split))
    if history.stop_said is not None:
        st.success(words.say(history.stop_said), icon=":material/flag:")
    elif history.stop_message:
        st.success(history.stop_message, icon=":material/flag:")
    accuracy_column, loss_column, time_column, epochs_column = st.columns(4)
    accuracy_column.metric(
        _capitalized(words("ui.results.accuracy", split=split)), words.percent(evaluation.accuracy, 2)
    )
    loss_column.metric(_capitalized(words("ui.results.loss", split=split)), f"{evaluation.loss:.4f}")
    time_column.metric(words("ui.results.training_time"), words("ui.results.seconds", seconds=f"{history.seconds:.1f}"))
    epochs_run = words("ui.results.epochs_of", epochs_run=history.epochs_run, epochs_planned=history.epochs_planned)
    epochs_column.metric(words("ui.results.epochs_run"), epochs_run)
    if isinstance(getattr(run.config, "bfloat16", None), bool):
        reason = precision.why_message(run.config.bfloat16, float32_reason=precision_reason)
        st.caption(words.say(reason))
    if split_name == "training":
        st.warning(words("ui.results.nothing_held_out"), icon=":material/visibility_off:")
    elif history.accuracy:
        gap = history.accuracy[-1] - evaluation.accuracy
        if gap > 0.005:
            comparison = words("ui.results.gap", gap=words.percent(gap, 1))
        elif gap < -0.005:
            comparison = words("ui.results.held_out_higher", split=split)
        else:
            comparison = words("ui.results.no_gap")
        st.caption(
            words(
                "ui.results.comparison",
                training_accuracy=words.percent(history.accuracy[-1], 2),
                split=split,
                held_out_accuracy=words.percent(evaluation.accuracy, 2),
                comparison=comparison,
            )
        )
    st.plotly_chart(training_charts.training_curves(history, best_epoch=best_epoch, words=i18n.words()))

    # Only the open tab is drawn: every chart and image on the page costs the learner's browser
    # time, on each poll of a training too.
    labels = [
        words("ui.results.tabs.confusion"),
        words("ui.results.tabs.mistakes"),
        words("ui.results.tabs.probe", split=split),
        words("ui.results.tabs.map"),
    ]
    if history.histograms is not None:
        labels.append(words("ui.results.tabs.weights"))
    confusion_tab, mistakes_tab, probe_tab, map_tab, *weights_tab = st.tabs(
        labels, key=session.results_tabs_key(lesson), on_change="rerun"
    )
    if confusion_tab.open:
        with confusion_tab:
            matrix_column, bars_column = st.columns([3, 2])
            matrix_column.plotly_chart(
                classifier_charts.confusion_heatmap(evaluation.confusion, class_names, words=i18n.words())
            )
            bars_column.plotly_chart(
                classifier_charts.per_class_bars(evaluation.per_class_accuracy, class_names, words=i18n.words())
            )
            if confusion_note:
                st.caption(
                    words("ui.data.fashion_confusion") if confusion_note == FASHION_CONFUSION else confusion_note
                )
    if mistakes_tab.open:
        with mistakes_tab:
            wrong = image_classifier.misclassified(evaluation, test_labels, limit=24)
            wrong_count = int((evaluation.predictions != test_labels).sum())
            st.caption(words("ui.results.tabs.wrong", count=words.number(wrong_count), split=split))
            st.image(
                [test_images[index] for index in wrong],
                caption=[
                    text.plain(
                        words(
                            "ui.results.tabs.mistake_caption",
                            true_class=class_names[test_labels[i]],
                            said_class=class_names[evaluation.predictions[i]],
                        )
                    )
                    for i in wrong
                ],
                width=110,
            )
    if probe_tab.open:
        with probe_tab:
            index = st.number_input(
                _capitalized(
                    words("ui.results.tabs.probe_number", split=split, last=words.number(len(test_labels) - 1))
                ),
                0,
                len(test_labels) - 1,
                0,
                key=session.probe_key(lesson),
            )
            image_column, bars_column = st.columns([1, 3])
            image_column.image(
                test_images[index],
                caption=text.plain(words("ui.results.tabs.true_class", true_class=class_names[test_labels[index]])),
                width=180,
            )

            bars_column.plotly_chart(
                classifier_charts.probability_bars(
                    evaluation.probabilities[index], class_names, int(test_labels[index]), words=i18n.words()
                )
            )
    if map_tab.open:
        with map_tab:
            drawn = session.track(lesson.track).drawn  # the learner's latest drawing, a star among the images
            embedding_map.embedding_map_ui(
                lesson,
                run,
                class_names,
                own_images=None if drawn is None else drawn[np.newaxis],
                own_names=(i18n.t("ui.drawing.on_the_map"),),
                fashion_mnist=confusion_note == FASHION_CONFUSION,
            )
    if weights_tab and weights_tab[0].open:
        with weights_tab[0]:
            weights_over_epochs.weights_over_epochs_ui(history)
