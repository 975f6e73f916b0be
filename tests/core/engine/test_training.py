"""The shared trainer against stock `model.fit`, its batch planning against hand-built batches, and its
stopping rules on tiny data."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from core.engine import training


def tiny_classification(seed: int = 0, count: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Two separable blobs of 2-D points, labels 0 and 1."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 2
    points = rng.normal(0.0, 0.5, size=(count, 2)) + np.where(labels[:, None] == 1, 2.0, -2.0)
    return points.astype(np.float32), labels.astype(np.int32)


def tiny_model(seed: int = 0) -> keras.Model:
    return keras.Sequential(
        [
            keras.Input(shape=(2,)),
            keras.layers.Dense(4, activation="relu", kernel_initializer=keras.initializers.GlorotUniform(seed=seed)),
            keras.layers.Dense(
                2, activation="softmax", kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 1)
            ),
        ]
    )


@pytest.mark.parametrize("jit_compile", [False, True], ids=["graph", "xla"])
def test_minibatch_training_matches_stock_fit_from_the_same_weights(jit_compile):
    x, y = tiny_classification()
    reference = tiny_model()
    ours = tiny_model()
    ours.set_weights(reference.get_weights())
    reference.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    stock = reference.fit(x, y, batch_size=7, epochs=4, shuffle=False, verbose=0).history

    trainer = training.Trainer(
        ours,
        keras.optimizers.Adam(0.01),
        "sparse_categorical_crossentropy",
        x,
        y,
        batch_size=7,  # 40 examples: five batches of 7 and a last one of 5, as fit does
        accuracy="sparse_categorical",
        shuffle=False,
        jit_compile=jit_compile,
        steps_per_call=4,  # chunks that cross epoch boundaries and end mid-epoch
    )
    history = trainer.run(training.TrainingHistory(epochs_planned=4))

    np.testing.assert_allclose(history.loss, stock["loss"], rtol=1e-4)
    np.testing.assert_allclose(history.accuracy, stock["accuracy"], atol=1e-6)
    for ours_weight, stock_weight in zip(ours.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_allclose(ours_weight, stock_weight, atol=1e-5)


def tiny_trainer(stop: training.StopAtTarget | None = None) -> training.Trainer:
    """The shared trainer on the tiny classification task, with a stop rule or none."""
    x, y = tiny_classification()
    return training.Trainer(
        tiny_model(),
        keras.optimizers.SGD(0.05),
        "sparse_categorical_crossentropy",
        x,
        y,
        batch_size=8,
        accuracy="sparse_categorical",
        stop=stop,
    )


def test_stop_at_target_stops_at_the_first_epoch_that_reaches_it():
    trainer = tiny_trainer(training.StopAtTarget(metric="accuracy", target=0.9))
    history = trainer.run(training.TrainingHistory(epochs_planned=200))

    assert history.stopped_at_target is not None
    assert history.epochs_run == history.stopped_at_target < 200
    assert history.accuracy[-1] >= 0.9
    assert all(accuracy < 0.9 for accuracy in history.accuracy[:-1])
    assert "cancelling training" in history.stop_message


def test_stop_on_loss_uses_less_or_equal():
    rule = training.StopAtTarget(metric="loss", target=0.4)
    assert rule.reached(0.4, None) and not rule.reached(0.41, 0.99)
    with pytest.raises(ValueError, match="metric"):
        training.StopAtTarget(metric="val_accuracy")


class LearnerLeftThePage(BaseException):
    """Stands in for Streamlit's rerun exception, which is a BaseException."""


def test_an_interrupted_run_keeps_every_completed_epoch():
    x, y = tiny_classification(count=400)
    model = tiny_model()
    trainer = training.Trainer(
        model,
        keras.optimizers.Adam(0.01),
        "sparse_categorical_crossentropy",
        x,
        y,
        batch_size=4,
        accuracy="sparse_categorical",
    )
    history = training.TrainingHistory(epochs_planned=50)
    reports = []

    def on_progress(progress: training.Progress) -> None:
        reports.append(progress)
        if progress.epoch >= 2:
            raise LearnerLeftThePage

    with pytest.raises(LearnerLeftThePage):
        trainer.run(history, on_progress=on_progress, report_every_s=0.01)

    assert 2 <= history.epochs_run < 50
    assert len(history.loss) == len(history.accuracy) == history.epochs_run
    assert all(np.isfinite(history.loss))
    assert reports[-1].fraction < 1.0 and reports[-1].history is history
    # The model keeps what it learned and can go on training from there.
    trainer.run(history)
    assert history.epochs_run == 50


def last_progress(epochs: int, stop: training.StopAtTarget | None = None) -> training.Progress:
    """The last progress report of a tiny run, as the page's progress bar shows it at the end."""
    trainer = tiny_trainer(stop)
    reports: list[training.Progress] = []
    trainer.run(training.TrainingHistory(epochs_planned=epochs), on_progress=reports.append, report_every_s=60)
    return reports[-1]


def test_the_progress_line_at_the_end_says_how_training_ended_not_batch_0_of_a_next_epoch():
    finished = last_progress(epochs=3)
    assert finished.epoch == 3 and finished.step_in_epoch == 0  # what the page once showed as "batch 0/5"
    assert finished.status_line.startswith("Epoch 3/3 done · ") and "batch" not in finished.status_line
    stopped = last_progress(epochs=200, stop=training.StopAtTarget(metric="accuracy", target=0.9))
    epoch = stopped.history.stopped_at_target
    assert stopped.status_line.startswith(f"Stopped at the target after epoch {epoch} of 200 · ")


def test_the_progress_line_during_training_names_the_epoch_under_way_and_the_time_left():
    during = training.Progress(
        epoch=1,
        epochs=5,
        step_in_epoch=120,
        steps_per_epoch=375,
        elapsed_s=4.2,
        seconds_left=16.4,
        history=training.TrainingHistory(epochs_planned=5, loss=[0.5]),
    )
    assert during.status_line == "Epoch 2/5, batch 120/375 · 4 s elapsed, about 16 s left"
    cancelled = training.TrainingHistory(epochs_planned=5, loss=[0.5, 0.4], cancelled=True)
    stopped = training.Progress(2, 5, 0, 375, 9.0, 0.0, cancelled)
    assert stopped.status_line == "Stopped after epoch 2 of 5 · 9 s"


def test_make_optimizer_rejects_unknown_names_and_bad_rates():
    assert isinstance(training.make_optimizer("rmsprop", 0.001), keras.optimizers.RMSprop)
    with pytest.raises(ValueError, match="Unknown optimizer"):
        training.make_optimizer("adagrad", 0.1)
    with pytest.raises(ValueError, match="positive"):
        training.make_optimizer("sgd", float("nan"))


def test_validation_after_each_epoch_matches_stock_fit():
    x, y = tiny_classification(count=40)
    x_val, y_val = tiny_classification(seed=5, count=13)
    reference = tiny_model()
    ours = tiny_model()
    ours.set_weights(reference.get_weights())
    reference.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    stock = reference.fit(
        x, y, batch_size=8, epochs=3, shuffle=False, validation_data=(x_val, y_val), verbose=0
    ).history
    trainer = training.Trainer(
        ours,
        keras.optimizers.Adam(0.01),
        "sparse_categorical_crossentropy",
        x,
        y,
        batch_size=8,
        accuracy="sparse_categorical",
        shuffle=False,
        steps_per_call=64,  # longer than an epoch: validation must still see end-of-epoch weights
        validation=(x_val, y_val),
    )
    history = trainer.run(training.TrainingHistory(epochs_planned=3))
    np.testing.assert_allclose(history.val_loss, stock["val_loss"], rtol=1e-4)
    np.testing.assert_allclose(history.val_accuracy, stock["val_accuracy"], atol=1e-6)


def test_plan_batches_ends_each_epoch_with_the_short_batch():
    order = np.array([3, 1, 4, 0, 5, 9, 2, 6, 8, 7], dtype=np.int32)  # 10 examples, batches of 4: 4, 4, 2

    plan = training.plan_batches([order], first_step=0, count=3, steps_per_call=5, batch_size=4)

    expected_indices = np.array(
        [[3, 1, 4, 0], [5, 9, 2, 6], [8, 7, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
        dtype=np.int32,
    )
    np.testing.assert_array_equal(plan.indices, expected_indices)
    np.testing.assert_array_equal(plan.sizes, [4, 4, 2, 0, 0])
    assert plan.indices.dtype == plan.sizes.dtype == np.int32


def test_plan_batches_crossing_an_epoch_boundary_takes_the_next_order():
    this_epoch = np.arange(10, dtype=np.int32)
    next_epoch = np.arange(10, dtype=np.int32)[::-1].copy()

    plan = training.plan_batches([this_epoch, next_epoch], first_step=1, count=3, steps_per_call=4, batch_size=4)

    expected_indices = np.array([[4, 5, 6, 7], [8, 9, 0, 0], [9, 8, 7, 6], [0, 0, 0, 0]], dtype=np.int32)
    np.testing.assert_array_equal(plan.indices, expected_indices)
    np.testing.assert_array_equal(plan.sizes, [4, 2, 4, 0])


def test_plan_batches_asks_for_every_order_it_needs():
    with pytest.raises(ValueError, match="order of every epoch"):
        training.plan_batches([np.arange(10)], first_step=2, count=2, steps_per_call=4, batch_size=4)
    with pytest.raises(ValueError, match="between 0 and 4"):
        training.plan_batches([np.arange(10)], first_step=0, count=5, steps_per_call=4, batch_size=4)


def test_epoch_tally_weights_the_loss_by_batch_size():
    tally = training.EpochTally()
    tally.add(loss=1.0, hits=3.0, size=4)
    tally.add(loss=4.0, hits=1.0, size=2)

    assert tally.steps == 2 and tally.seen == 6
    assert tally.loss == pytest.approx((1.0 * 4 + 4.0 * 2) / 6)
    assert tally.accuracy == pytest.approx(4 / 6)


def shuffled_run(initial_weights: list[np.ndarray], steps_per_call: int) -> training.TrainingHistory:
    """Five shuffled epochs of the tiny classifier, from given weights and a fixed seed."""
    x, y = tiny_classification()
    model = tiny_model()
    model.set_weights(initial_weights)
    trainer = training.Trainer(
        model,
        keras.optimizers.Adam(0.01),
        "sparse_categorical_crossentropy",
        x,
        y,
        batch_size=7,
        accuracy="sparse_categorical",
        shuffle=True,
        steps_per_call=steps_per_call,
        seed=3,
    )
    return trainer.run(training.TrainingHistory(epochs_planned=5))


def test_chunking_does_not_change_a_shuffled_run():
    initial_weights = tiny_model().get_weights()

    one_step_chunks = shuffled_run(initial_weights, steps_per_call=1)
    long_chunks = shuffled_run(initial_weights, steps_per_call=16)  # crosses epochs and ends mid-epoch

    np.testing.assert_allclose(one_step_chunks.loss, long_chunks.loss, atol=1e-6)
    np.testing.assert_allclose(one_step_chunks.accuracy, long_chunks.accuracy, atol=1e-6)


def test_each_epoch_visits_the_examples_in_the_next_permutation_of_the_seed(monkeypatch):
    visited = []
    plan_batches = training.plan_batches

    def recording_plan_batches(orders, first_step, count, steps_per_call, batch_size):
        """Notes the examples each planned step trains on, in the order the steps run."""
        plan = plan_batches(orders, first_step, count, steps_per_call, batch_size)
        visited.extend(plan.indices[step, : plan.sizes[step]] for step in range(count))
        return plan

    monkeypatch.setattr(training, "plan_batches", recording_plan_batches)
    x, y = tiny_classification(count=10)
    trainer = training.Trainer(
        tiny_model(), keras.optimizers.SGD(0.01), "sparse_categorical_crossentropy", x, y, batch_size=4, seed=7
    )
    trainer.run(training.TrainingHistory(epochs_planned=3))

    rng = np.random.default_rng(7)
    np.testing.assert_array_equal(np.concatenate(visited), np.concatenate([rng.permutation(10) for _ in range(3)]))


def test_training_leaves_nothing_in_tensorflows_gradient_registry():
    """Keras's optimizer all-reduces gradients inside a `tf.custom_gradient`, which registers a
    gradient function in TensorFlow's process-wide registry at every trace, holding the traced
    graph for ever (10-20 MB a training on a server). The trainer's optimizer skips it."""
    from tensorflow.python.framework import ops

    registry = ops._gradient_registry._registry
    x = np.linspace(-1, 1, 32, dtype=np.float32).reshape(-1, 1)
    before = len(registry)
    for seed in range(3):
        model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
        trainer = training.Trainer(
            model, training.make_optimizer("adam", 0.01), "mean_squared_error", x, 2 * x, batch_size=8, seed=seed
        )
        trainer.run(training.TrainingHistory(2))
    assert len(registry) == before


def xla_trainer(model: keras.Model, learning_rate: float = 0.01) -> training.Trainer:
    x, y = tiny_classification()
    return training.Trainer(
        model,
        keras.optimizers.Adam(learning_rate),
        "sparse_categorical_crossentropy",
        x,
        y,
        batch_size=7,
        accuracy="sparse_categorical",
        shuffle=False,
        jit_compile=True,
        steps_per_call=4,
    )


def test_an_xla_step_is_compiled_once_per_architecture_and_a_reused_one_trains_as_a_fresh_one(monkeypatch):
    """TensorFlow keeps every XLA program for the process's life: a step compiled per run made
    a server grow with every Lesson 2 run. A later run of the same architecture reuses the
    compiled step with its own weights and a fresh optimizer, and ends where the first run did."""
    steps = training.CompiledSteps()
    monkeypatch.setattr(training, "COMPILED_STEPS", steps)
    first, second, other_rate = tiny_model(), tiny_model(), tiny_model()
    first_history = xla_trainer(first).run(training.TrainingHistory(epochs_planned=3))
    second_history = xla_trainer(second).run(training.TrainingHistory(epochs_planned=3))
    xla_trainer(other_rate, learning_rate=0.2).run(training.TrainingHistory(epochs_planned=3))
    assert steps.made == 1  # the learning rate is the optimizer's variable, not part of the program

    assert second_history.loss == first_history.loss
    for a, b in zip(first.get_weights(), second.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not all(np.array_equal(a, b) for a, b in zip(first.get_weights(), other_rate.get_weights(), strict=True))

    wider = keras.Sequential(
        [keras.Input(shape=(2,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2, activation="softmax")]
    )
    xla_trainer(wider).run(training.TrainingHistory(epochs_planned=1))
    assert steps.made == 2


def test_a_run_continued_on_a_reused_step_keeps_its_optimizer_state(monkeypatch):
    """Two runs of two epochs on one trainer equal one run of four: the optimizer's moments
    and step count go into the compiled step and come back."""
    monkeypatch.setattr(training, "COMPILED_STEPS", training.CompiledSteps())
    whole, halves = tiny_model(), tiny_model()
    xla_trainer(whole).run(training.TrainingHistory(epochs_planned=4))
    trainer = xla_trainer(halves)
    history = trainer.run(training.TrainingHistory(epochs_planned=2))
    history.epochs_planned = 4
    trainer.run(history)
    for a, b in zip(whole.get_weights(), halves.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_past_the_cap_of_compiled_steps_a_run_trains_without_xla(monkeypatch):
    steps = training.CompiledSteps(most=0)
    monkeypatch.setattr(training, "COMPILED_STEPS", steps)
    model = tiny_model()
    history = xla_trainer(model).run(training.TrainingHistory(epochs_planned=3))
    assert steps.made == 0 and history.epochs_run == 3 and history.loss[-1] < history.loss[0]


def test_a_precompiled_step_is_the_one_the_next_matching_run_trains_with(monkeypatch):
    """Lesson 2's page compiles the step while the learner chooses; the run then borrows it
    (no second compile) and trains exactly as a run that compiled its own."""
    steps = training.CompiledSteps()
    monkeypatch.setattr(training, "COMPILED_STEPS", steps)
    assert xla_trainer(tiny_model()).precompile()
    assert steps.made == 1
    after_precompile = tiny_model()
    xla_trainer(after_precompile).run(training.TrainingHistory(epochs_planned=3))
    assert steps.made == 1

    monkeypatch.setattr(training, "COMPILED_STEPS", training.CompiledSteps())
    compiled_by_itself = tiny_model()
    xla_trainer(compiled_by_itself).run(training.TrainingHistory(epochs_planned=3))
    for a, b in zip(after_precompile.get_weights(), compiled_by_itself.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_run_waits_for_a_precompile_of_its_step_instead_of_compiling_another(monkeypatch):
    import threading

    steps = training.CompiledSteps()
    monkeypatch.setattr(training, "COMPILED_STEPS", steps)
    started, release = threading.Event(), threading.Event()

    def slow_make() -> training.CompiledStep:
        started.set()
        release.wait(5)
        return xla_trainer(tiny_model())._compiled_step()

    def precompile() -> None:
        steps.give_back("key", steps.borrow("key", slow_make, compiling=True))

    precompiling = threading.Thread(target=precompile)
    precompiling.start()
    started.wait(5)
    borrowed: list = []
    run = threading.Thread(target=lambda: borrowed.append(steps.borrow("key", slow_make)))
    run.start()
    run.join(0.2)
    assert run.is_alive()  # waiting for the precompile's step
    release.set()
    precompiling.join(5)
    run.join(5)
    assert steps.made == 1 and borrowed and borrowed[0] is not None


def histogram_run(
    model: keras.Model, record_histograms: bool, jit_compile: bool = False, epochs: int = 3
) -> training.TrainingHistory:
    """Shuffled epochs of the tiny classifier, in chunks that would cross epochs, with the
    weights' and gradients' histograms recorded or not."""
    x, y = tiny_classification()
    trainer = training.Trainer(
        model,
        keras.optimizers.Adam(0.01),
        "sparse_categorical_crossentropy",
        x,
        y,
        batch_size=7,
        accuracy="sparse_categorical",
        record_histograms=record_histograms,
        jit_compile=jit_compile,
        steps_per_call=16,
        seed=3,
    )
    return trainer.run(training.TrainingHistory(epochs_planned=epochs))


@pytest.mark.parametrize("jit_compile", [False, True], ids=["graph", "xla"])
def test_histograms_count_each_kernel_as_numpy_does_every_epoch(jit_compile, monkeypatch):
    """The first Dense kernel set to known values: the start's histogram is NumPy's of them, the
    last epoch's is NumPy's of the trained kernel, and every kernel has weights and gradients
    recorded at the start and after each epoch."""
    monkeypatch.setattr(training, "COMPILED_STEPS", training.CompiledSteps())
    monkeypatch.setattr(training, "HISTOGRAM_SHARE", 1)  # all 40 examples, not 1
    model = tiny_model()
    known = np.linspace(-1.0, 1.0, 8, dtype=np.float32).reshape(2, 4) ** 3
    model.layers[0].kernel.assign(known)
    history = histogram_run(model, record_histograms=True, jit_compile=jit_compile)
    record = history.histograms

    assert [(layer.kind, layer.shape) for layer in record.layers] == [("Dense", (2, 4)), ("Dense", (4, 2))]
    assert [epoch.epoch for epoch in record.epochs] == [0, 1, 2, 3]
    start, last = record.epochs[0], record.epochs[-1]
    np.testing.assert_array_equal(start.weights[0].counts, np.histogram(known, bins=30)[0])
    trained = np.asarray(model.layers[1].kernel.value)
    np.testing.assert_array_equal(last.weights[1].counts, np.histogram(trained, bins=30)[0])
    for epoch in record.epochs:
        assert [h.total for h in epoch.weights] == [h.total for h in epoch.gradients] == [8, 8]
        assert all(h.not_finite == 0 for h in epoch.gradients)
    assert start.gradients[0].high > start.gradients[0].low  # real gradients, not zeros


def test_recording_histograms_does_not_change_the_training():
    """The sample has a generator of its own, and chunks that end at each epoch train as long ones."""
    initial_weights = tiny_model().get_weights()
    runs = []
    for record_histograms in (False, True):
        model = tiny_model()
        model.set_weights(initial_weights)
        runs.append((histogram_run(model, record_histograms), model.get_weights()))
    (plain, plain_weights), (recorded, recorded_weights) = runs
    assert plain.histograms is None and recorded.histograms is not None
    np.testing.assert_allclose(plain.loss, recorded.loss, atol=1e-6)
    for plain_weight, recorded_weight in zip(plain_weights, recorded_weights, strict=True):
        np.testing.assert_allclose(plain_weight, recorded_weight, atol=1e-6)


def test_the_gradients_are_the_mean_losss_on_the_sample_summed_in_pieces(monkeypatch):
    """With a sample of every example (the share set to all), computed a batch at a time, the
    recorded gradients span what one tape over the whole set gives from the same weights."""
    import tensorflow as tf

    monkeypatch.setattr(training, "HISTOGRAM_SHARE", 1)
    x, y = tiny_classification()
    model = tiny_model()
    trainer = training.Trainer(
        model, keras.optimizers.SGD(0.01), "sparse_categorical_crossentropy", x, y, batch_size=8, record_histograms=True
    )
    monkeypatch.setattr(training, "HISTOGRAM_PIECE_BYTES", 8)  # a batch at a time
    assert training.histogram_sample_plan(40, 8, 2) == (40, 8)
    history = trainer.run(training.TrainingHistory(epochs_planned=0))  # the start only
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, model(x, training=False)))
    expected = tape.gradient(loss, [layer.kernel for layer in training.kernel_layers(model)])
    [start] = history.histograms.epochs
    assert history.histograms.sample_size == 40
    for recorded, gradient in zip(start.gradients, expected, strict=True):
        assert recorded.low == pytest.approx(float(tf.reduce_min(gradient)), rel=1e-4, abs=1e-7)
        assert recorded.high == pytest.approx(float(tf.reduce_max(gradient)), rel=1e-4, abs=1e-7)


def test_the_sample_is_at_most_128_examples_a_fortieth_of_the_epoch_in_whole_pieces():
    fashion, photo = 28 * 28, 150 * 150 * 3
    assert training.histogram_sample_plan(60_000, 32, fashion) == (128, 128)  # one call
    assert training.histogram_sample_plan(12_000, 32, fashion) == (128, 128)
    assert training.histogram_sample_plan(3_000, 32, fashion) == (75, 75)
    assert training.histogram_sample_plan(60_000, 100, 300 * 300 * 3) == (100, 100)  # a batch (8 MB holds 7)
    assert training.histogram_sample_plan(20_000, 8, photo) == (124, 31)  # pieces of 8 MB of float input
    assert training.histogram_sample_plan(820, 32, photo) == (20, 20)  # Lesson 4's photos: 20 of them
    assert training.histogram_sample_plan(10, 4, 2) == (1, 1)


def test_runs_of_one_architecture_share_one_traced_gradient_function(monkeypatch):
    """A run without XLA borrows the gradient step an earlier run of its architecture traced,
    with its own weights copied in: the histograms are those of its own gradients."""
    monkeypatch.setattr(training, "HISTOGRAM_SHARE", 1)
    monkeypatch.setattr(training, "GRADIENT_STEPS", training.CompiledSteps(most=0))  # its own step, traced
    expected = histogram_run(tiny_model(seed=5), record_histograms=True, epochs=1).histograms
    monkeypatch.setattr(training, "GRADIENT_STEPS", training.CompiledSteps())
    traced = histogram_run(tiny_model(seed=0), record_histograms=True, epochs=1)
    again = histogram_run(tiny_model(seed=5), record_histograms=True, epochs=1).histograms
    assert training.GRADIENT_STEPS.made == 1 and traced.histograms is not None
    for ours, reference in zip(again.epochs, expected.epochs, strict=True):
        for recorded, wanted in zip(ours.gradients, reference.gradients, strict=True):
            np.testing.assert_array_equal(recorded.counts, wanted.counts)
            assert recorded.low == pytest.approx(wanted.low, rel=1e-5)
