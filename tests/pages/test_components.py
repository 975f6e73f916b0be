"""The page pieces every lesson shares, each run alone as a tiny Streamlit script through AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core import training

TIMEOUT_S = 180


def run_script(script, **kwargs) -> AppTest:
    app = AppTest.from_function(script, kwargs=kwargs, default_timeout=TIMEOUT_S)
    app.run()
    assert not app.exception, app.exception
    return app


def stop_rule_script():
    import streamlit as st

    from pages import components

    st.session_state["rule"] = components.stop_rule_ui("test", default_target=0.8)


def test_stop_rule_is_none_until_turned_on_and_then_the_chosen_rule():
    app = run_script(stop_rule_script)
    assert app.session_state["rule"] is None
    app.checkbox(key="test_stop").check()
    app.radio(key="test_stop_metric").set_value("loss")
    app.number_input(key="test_stop_target").set_value(0.25).run()
    assert app.session_state["rule"] == training.StopAtTarget("loss", 0.25)


def training_script(epochs: int, stop_target: float | None):
    """Trains a tiny classifier of bright vs dark 8×8 pictures through the shared component."""
    import dataclasses

    import keras
    import numpy as np
    import streamlit as st

    from core import course, image_classifier, training
    from pages import components

    rng = np.random.default_rng(0)
    labels = (np.arange(64) % 2).astype(np.uint8)
    images = (rng.integers(0, 80, size=(64, 8, 8)) + labels[:, None, None] * 150).astype(np.uint8)

    @dataclasses.dataclass(frozen=True)
    class Settings:  # what the component reads from a lesson's config
        epochs: int
        input_scale: float = 1 / 255

    lesson = course.COMPUTER_VISION
    if st.button("Train", key="train"):
        model = keras.Sequential([keras.Input((8, 8)), keras.layers.Flatten(), keras.layers.Dense(2, "softmax")])
        trainer = training.Trainer(
            model,
            training.make_optimizer("adam", 0.05),
            "sparse_categorical_crossentropy",
            images,
            labels,
            batch_size=16,
            accuracy="sparse_categorical",
            input_scale=1 / 255,
            stop=None if stop_target is None else training.StopAtTarget("accuracy", stop_target),
        )
        held_out = image_classifier.HeldOut(images[:20], labels[:20], "validation")
        components.train_ui(lesson, Settings(epochs), model, trainer, held_out)
    run = components.trained_run(lesson)
    if run is not None:
        components.classifier_results_ui(lesson, run, ["dark", "bright"])
        components.runs_ui(lesson, log_scale=False)


def test_training_keeps_the_run_scores_it_on_the_held_out_images_and_records_it():
    app = run_script(training_script, epochs=3, stop_target=None)
    assert "result/computer_vision" not in app.session_state  # nothing before the first run
    app.button(key="train").click().run()
    assert not app.exception, app.exception
    run = app.session_state["result/computer_vision"]
    assert run.history.epochs_run == 3 and run.held_out.name == "validation" and len(run.held_out.labels) == 20
    [record] = app.session_state["runs/computer_vision"]
    assert record.lesson == "computer_vision" and record.outcome == "finished" and len(record.loss) == 3
    assert record.results["validation accuracy"] == round(run.evaluation.accuracy, 4)
    assert record.results["parameters"] == 8 * 8 * 2 + 2
    labels = [item.label for item in app.metric]
    assert labels == ["Validation accuracy", "Validation loss", "Training time", "Epochs run"]
    assert [item.value for item in app.metric][3] == "3 of 3"
    assert len(app.get("plotly_chart")) == 5  # curves, confusion, per class, probabilities, the runs' losses
    assert len(app.dataframe) == 1 and list(app.dataframe[0].value["run"]) == [1]


def test_the_stop_rule_travels_with_the_trainer_and_names_the_outcome():
    app = run_script(training_script, epochs=20, stop_target=0.9)
    app.button(key="train").click().run()
    record = app.session_state["runs/computer_vision"][-1]
    assert record.outcome == "stopped at target" and len(record.loss) < 20
    assert "cancelling training" in app.success[0].value


def test_an_interrupted_run_is_finished_with_what_it_trained():
    """Stop (or leaving the page) interrupts the script mid-training; the next run of the page
    finds the unfinished run in the session, scores it and records it as interrupted."""
    app = run_script(training_script, epochs=2, stop_target=None)
    app.button(key="train").click().run()
    finished = app.session_state["active/computer_vision"]
    finished.finished = False  # as if Streamlit had stopped the script before the end
    finished.history.loss.pop()
    finished.history.accuracy.pop()
    app.run()
    assert not app.exception, app.exception
    assert "Training was stopped after 1 of 2 epochs" in app.warning[0].value
    records = app.session_state["runs/computer_vision"]
    assert [record.outcome for record in records] == ["finished", "interrupted"]
    assert len(records[-1].loss) == 1 and records[-1].number == 2
    app.run()  # finished once, not again on every rerun
    assert len(app.session_state["runs/computer_vision"]) == 2 and not app.warning


def test_clearing_the_run_history():
    app = run_script(training_script, epochs=1, stop_target=None)
    app.button(key="train").click().run()
    assert len(app.session_state["runs/computer_vision"]) == 1
    app.button(key="clear/computer_vision").click().run()
    assert app.session_state["runs/computer_vision"] == []
    assert "Train to start your run history." in [caption.value for caption in app.caption]


def code_script():
    from pages import components

    components.show_code_ui("print('hello')\n", "hello.py")


def test_show_the_code_offers_the_script_and_its_download():
    app = run_script(code_script)
    assert app.code[0].value.strip() == "print('hello')" and app.code[0].language == "python"
    assert "Show the code" in app.expander[0].label
