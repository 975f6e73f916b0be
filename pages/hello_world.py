"""Lesson 1, "Hello, World": one neuron learns the rule behind six points."""

from __future__ import annotations

import streamlit as st

from core.base import course, language
from core.base import runs as run_history
from core.base.history import Outcome
from core.hello_world import charts, exercise
from core.hello_world import neuron as hello_world
from ui import components, exercise_record, i18n, session, training_jobs
from ui.hello_world import line_settings

LESSON = course.HELLO_WORLD


@st.cache_data(max_entries=256, show_spinner=False)
def cached_fit(points: hello_world.Points, config: hello_world.NeuronConfig) -> hello_world.LineFit:
    """Same settings, same answer: returning to earlier settings is instant."""
    return hello_world.fit_line(points, config)


def exercise_ui() -> None:
    """Week 1's graded exercise: house prices, trained here (a tenth of a second) and graded."""
    words = i18n.words()
    with components.exercise_panel(LESSON, exercise.EXERCISE, key="hw_exercise") as opened:
        if not opened:
            return
        with st.form("hw_exercise_settings"):
            model_column, training_column = st.columns(2)
            scale = model_column.checkbox(words("hello_world.exercise_ui.scale_label"), True, key="hwx_scale")
            hidden = model_column.selectbox(
                words("hello_world.exercise_ui.layers_label"),
                [0, 8],
                format_func=lambda units: "Dense(1)" if not units else f"Dense({units}) → Dense(1)",
                key="hwx_hidden",
            )
            optimizer = model_column.selectbox(
                words("hello_world.labels.optimizer"), ["sgd", "adam", "rmsprop"], key="hwx_optimizer"
            )
            loss = training_column.selectbox(
                words("hello_world.exercise_ui.loss_label"), list(exercise.LOSSES), key="hwx_loss"
            )
            learning_rate = training_column.select_slider(
                words("hello_world.labels.learning_rate"), (0.001, 0.003, 0.01, 0.03), value=0.01, key="hwx_lr"
            )
            epochs = training_column.slider(words("hello_world.labels.epochs"), 10, 1000, 500, 10, key="hwx_epochs")
            submitted = st.form_submit_button(words("hello_world.exercise_ui.submit"), type="primary")
        graded = session.track(LESSON.exercise_track)
        if submitted:
            config = exercise.HousePricesConfig(scale, hidden, optimizer, loss, learning_rate, epochs)
            graded.grade = exercise.grade_house_prices(exercise.train(config), words=words)
        if graded.grade is not None:
            exercise_record.grade_ui(graded.grade)


words = i18n.words()
st.title(words("hello_world.page.title", heading=i18n.lesson_heading(LESSON)))
training_jobs.jobs_indicator_ui()
st.markdown(words("hello_world.page.intro"))
exercise_ui()

settings_column, results_column = st.columns([2, 3], gap="large")
with settings_column, st.form("hw_settings"):
    st.subheader(words("hello_world.settings.neuron_heading"))
    config, query_x = line_settings.neuron_ui()
    st.subheader(words("hello_world.settings.data_heading"))
    source, rule, table = line_settings.data_ui()
    submitted = st.form_submit_button(words("hello_world.settings.train"), type="primary", width="stretch")
with settings_column:
    components.experiment_link_ui(LESSON)

shown = session.lesson_record(LESSON, hello_world.ShownFit)
if submitted or shown is None:
    try:
        if source == line_settings.OWN_POINTS:
            points = hello_world.parse_points(table.to_dict("records"))
            true_rule = None
        else:
            points = hello_world.make_points(rule)
            true_rule = (rule.slope, rule.intercept)
    except ValueError as problem:
        said = i18n.say(problem.message) if isinstance(problem, language.LearnerError) else str(problem)
        results_column.error(words("hello_world.results.not_trained", problem=said), icon=":material/error:")
    else:
        with results_column, st.spinner(words("hello_world.results.spinner")):
            fit = cached_fit(points, config)
        shown = hello_world.ShownFit(fit, query_x, true_rule)
        session.keep_lesson_record(LESSON, shown)
        components.record_run(
            LESSON,
            run_history.RunRecord(
                lesson=LESSON.key,
                number=components.next_run_number(LESSON),
                settings={**run_history.settings_of(config), "points": len(points.xs)},
                loss=tuple(float(value) for value in fit.loss),
                seconds=fit.seconds,
                results={
                    run_history.prediction_result(query_x): round(fit.predict(query_x), 4),
                    "w": round(fit.weight, 4),
                    "b": round(fit.bias, 4),
                },
                outcome=Outcome.DIVERGED if fit.diverged_at else Outcome.FINISHED,
            ),
        )

if shown is not None:
    fit, query_x, true_rule = shown.fit, shown.query_x, shown.true_rule
    with results_column:
        st.subheader(words("hello_world.results.heading"))
        advice = hello_world.divergence_advice(fit, words=words)
        if advice:
            st.error(advice, icon=":material/trending_up:")
        prediction_column, weight_column, bias_column, loss_column = st.columns(4)
        prediction_column.metric(
            words("hello_world.results.prediction_label", x=query_x), hello_world.readable(fit.predict(query_x))
        )
        loss_column.metric(
            words("hello_world.results.final_loss_label"),
            f"{fit.final_loss:.3g}",
            hello_world.epoch_count(len(fit.loss), words=words),
            delta_color="off",
            delta_arrow="off",
        )
        true_w, true_b = true_rule if true_rule else hello_world.least_squares(fit.points)
        reference = words(
            "hello_world.results.reference_true" if true_rule else "hello_world.results.reference_best_fit"
        )
        for column, name, learned, target in (
            (weight_column, "w", fit.weight, true_w),
            (bias_column, "b", fit.bias, true_b),
        ):
            column.metric(
                words("hello_world.results.learned_label", name=name, reference=reference, target=target),
                hello_world.readable(learned),
                ("+" if learned >= target else "") + hello_world.readable(learned - target),
                delta_color="off",
                delta_arrow="off",
            )
        st.info(hello_world.explain_prediction(fit, query_x, words=words), icon=":material/lightbulb:")
        st.caption(words("hello_world.results.trained_in", seconds=fit.seconds))
        st.plotly_chart(charts.fitted_line(fit, query_x, words=words))
        log_scale = st.toggle(words("hello_world.results.log_scale_label"), value=True, key="hw_log")
        st.plotly_chart(charts.loss_curve(fit, log_scale=log_scale, words=words))

    st.plotly_chart(charts.loss_landscape(fit, words=words))
    st.caption(words("hello_world.results.landscape_caption"))
    components.runs_ui(LESSON, log_scale=log_scale)
    components.show_code_ui(hello_world.make_script(fit.points, fit.config, query_x, words=words), "hello_world.py")
