"""Lesson 1, "Hello, World": one neuron learns the rule behind six points."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.base import course
from core.base import runs as run_history
from core.base.history import Outcome
from core.hello_world import charts, exercise
from core.hello_world import neuron as hello_world
from ui import components, exercise_record, session, training_jobs

LESSON = course.HELLO_WORLD
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)


@st.cache_data(max_entries=256, show_spinner=False)
def cached_fit(points: hello_world.Points, config: hello_world.NeuronConfig) -> hello_world.LineFit:
    """Same settings, same answer: returning to earlier settings is instant."""
    return hello_world.fit_line(points, config)


def data_ui() -> tuple[str, hello_world.LineDataConfig, pd.DataFrame]:
    """Where the points come from: a rule with optional noise, or a table the learner edits."""
    source = st.radio("Points", ["From a rule", "My own points"], horizontal=True, key="hw_source", bind="query-params")
    rule = hello_world.LineDataConfig(
        slope=st.slider("True slope w", -3.0, 3.0, 0.5, 0.1, key="hw_slope", bind="query-params"),
        intercept=st.slider("True intercept b", -5.0, 5.0, 0.5, 0.1, key="hw_intercept", bind="query-params"),
        num_points=st.slider("Number of points (x = 1, 2, ...)", 2, 50, 6, key="hw_points", bind="query-params"),
        noise=st.slider(
            "Noise added to y (standard deviation)", 0.0, 2.0, 0.0, 0.05, key="hw_noise", bind="query-params"
        ),
    )
    course_points = hello_world.make_points(hello_world.LineDataConfig())
    st.caption("Your own points (used when **My own points** is chosen). Add or delete rows freely.")
    table = components.data_editor(
        pd.DataFrame({"x": course_points.xs, "y": course_points.ys}),
        key="hw_table",
        max_rows=hello_world.MAX_POINTS,
        num_rows="dynamic",
        height=250,
    )
    return source, rule, table


def neuron_ui() -> tuple[hello_world.NeuronConfig, float]:
    """How the neuron is trained, and which x to ask it about."""
    optimizer = st.selectbox("Optimizer", ["sgd", "adam", "rmsprop"], key="hw_optimizer", bind="query-params")
    learning_rate = st.select_slider("Learning rate", LEARNING_RATES, value=0.01, key="hw_lr", bind="query-params")
    epochs = st.slider("Epochs", 1, hello_world.MAX_EPOCHS, 1000, key="hw_epochs", bind="query-params")
    seed = st.number_input("Random seed (starting weight)", 0, 10_000, 0, key="hw_seed", bind="query-params")
    query_x = st.number_input("Predict y for x =", -1000.0, 1000.0, 7.0, 1.0, key="hw_query", bind="query-params")
    config = hello_world.NeuronConfig(optimizer=optimizer, learning_rate=learning_rate, epochs=epochs, seed=int(seed))
    return config, float(query_x)


def exercise_ui() -> None:
    """Week 1's graded exercise: house prices, trained here (a tenth of a second) and graded."""
    with components.exercise_panel(LESSON, exercise.EXERCISE, key="hw_exercise") as opened:
        if not opened:
            return
        with st.form("hw_exercise_settings"):
            model_column, training_column = st.columns(2)
            scale = model_column.checkbox("Prices in hundreds of thousands (1.0 to 3.5)", True, key="hwx_scale")
            hidden = model_column.selectbox(
                "Layers",
                [0, 8],
                format_func=lambda units: "Dense(1)" if not units else f"Dense({units}) → Dense(1)",
                key="hwx_hidden",
            )
            optimizer = model_column.selectbox("Optimizer", ["sgd", "adam", "rmsprop"], key="hwx_optimizer")
            loss = training_column.selectbox("Loss", list(exercise.LOSSES), key="hwx_loss")
            learning_rate = training_column.select_slider(
                "Learning rate", (0.001, 0.003, 0.01, 0.03), value=0.01, key="hwx_lr"
            )
            epochs = training_column.slider("Epochs", 10, 1000, 500, 10, key="hwx_epochs")
            submitted = st.form_submit_button("Train and grade", type="primary")
        graded = session.track(LESSON.exercise_track)
        if submitted:
            config = exercise.HousePricesConfig(scale, hidden, optimizer, loss, learning_rate, epochs)
            graded.grade = exercise.grade_house_prices(exercise.train(config))
        if graded.grade is not None:
            exercise_record.grade_ui(graded.grade)


st.title(f"{LESSON.heading}: one neuron learns a rule")
training_jobs.jobs_indicator_ui()
st.markdown(
    "In traditional programming you write the **rules**, feed in **data** and get **answers**. "
    "Machine learning turns that around: you give it **data and answers**, and it finds the **rules**. "
    "Here the rule is a line, y = w·x + b. A single `Dense(units=1)` neuron starts with a random w and b, "
    "guesses y for every x, measures how wrong it was (mean squared error), and nudges w and b to be less "
    "wrong. Repeat that for every epoch and the guesses approach the answers."
)
exercise_ui()

settings_column, results_column = st.columns([2, 3], gap="large")
with settings_column, st.form("hw_settings"):
    st.subheader("The neuron")
    config, query_x = neuron_ui()
    st.subheader("Data and answers")
    source, rule, table = data_ui()
    submitted = st.form_submit_button("Train", type="primary", width="stretch")
with settings_column:
    components.experiment_link_ui(LESSON)

shown = session.lesson_record(LESSON, hello_world.ShownFit)
if submitted or shown is None:
    try:
        if source == "My own points":
            points = hello_world.parse_points(table.to_dict("records"))
            true_rule = None
        else:
            points = hello_world.make_points(rule)
            true_rule = (rule.slope, rule.intercept)
    except ValueError as problem:
        results_column.error(
            f"{problem} Nothing was trained; the results below are from your last run.", icon=":material/error:"
        )
    else:
        with results_column, st.spinner("Training the neuron..."):
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
                    f"prediction at x={query_x:g}": round(fit.predict(query_x), 4),
                    "w": round(fit.weight, 4),
                    "b": round(fit.bias, 4),
                },
                outcome=Outcome.DIVERGED if fit.diverged_at else Outcome.FINISHED,
            ),
        )

if shown is not None:
    fit, query_x, true_rule = shown.fit, shown.query_x, shown.true_rule
    with results_column:
        st.subheader("What the neuron learned")
        advice = hello_world.divergence_advice(fit)
        if advice:
            st.error(advice, icon=":material/trending_up:")
        prediction_column, weight_column, bias_column, loss_column = st.columns(4)
        prediction_column.metric(f"Prediction for x = {query_x:g}", hello_world.readable(fit.predict(query_x)))
        loss_column.metric(
            "Final loss", f"{fit.final_loss:.3g}", f"{len(fit.loss)} epochs", delta_color="off", delta_arrow="off"
        )
        true_w, true_b = true_rule if true_rule else hello_world.least_squares(fit.points)
        reference = "true" if true_rule else "best fit"
        for column, name, learned, target in (
            (weight_column, "w", fit.weight, true_w),
            (bias_column, "b", fit.bias, true_b),
        ):
            column.metric(
                f"Learned {name} ({reference} {target:.3g})",
                hello_world.readable(learned),
                ("+" if learned >= target else "") + hello_world.readable(learned - target),
                delta_color="off",
                delta_arrow="off",
            )
        st.info(hello_world.explain_prediction(fit, query_x), icon=":material/lightbulb:")
        st.caption(f"Trained in {fit.seconds:.2f} s.")
        st.plotly_chart(charts.fitted_line(fit, query_x))
        log_scale = st.toggle("Log scale for loss", value=True, key="hw_log")
        st.plotly_chart(charts.loss_curve(fit, log_scale=log_scale))

    st.plotly_chart(charts.loss_landscape(fit))
    st.caption(
        "Each white dot is (w, b) after an epoch. Gradient descent always steps downhill on this surface; "
        "the valley is long and flat along one direction, which is why the last steps are slow."
    )
    components.runs_ui(LESSON, log_scale=log_scale)
    components.show_code_ui(hello_world.make_script(fit.points, fit.config, query_x), "hello_world.py")
