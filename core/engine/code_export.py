""" "Show the code": the pieces every lesson's exported script shares.

The dashboard trains with a compiled loop for speed, but learners should leave with code they
can run anywhere. Each lesson writes its script next to its network's description
(`core.base.layers`), and the script's model code is written from that description, as the
dashboard's model is built from it (`core.engine.builder`); what the scripts have in common (the
model statement, the optimizer in Keras 3's spelling, number lists, the Fashion-MNIST program of
Lessons 2 and 3) is written here once. The tests run every script and compare its model and
answer with the dashboard's.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.base import language, layers, precision
from core.engine import training
from core.engine.image_classifier import ImageTrainingSettings

_OPTIMIZER_CLASSES = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop"}


def optimizer_expression(name: str, learning_rate: float) -> str:
    """Keras 3 spells the rate `learning_rate=` (the course's `lr=` no longer works)."""
    return f"keras.optimizers.{_OPTIMIZER_CLASSES[name]}(learning_rate={learning_rate!r})"


def number_list(values: tuple[float, ...]) -> str:
    return "[" + ", ".join(f"{value!r}" for value in values) + "]"


def _english() -> language.Words:
    return language.words(language.DEFAULT)


def precision_lines(bfloat16: bool, *, words: language.Words | None = None) -> str:
    """Before the model, when the run trained in mixed bfloat16: the app's one line on why (in the
    learner's language; English when no words are given), and the policy that makes every layer
    the script builds after it (but the output) compute the same way."""
    if not bfloat16:
        return ""
    message = precision.why_message(True)  # bfloat16 always has a message of its own
    why = (words or _english()).say(message) if isinstance(message, language.Message) else message
    return f'# {why}\nkeras.config.set_dtype_policy("{precision.MIXED}")\n'


def model_source(
    network: layers.Network,
    seeded: bool = True,
    comments: Mapping[int, str] | None = None,
    *,
    words: language.Words | None = None,
) -> str:
    """The `model = keras.Sequential([...])` statement that builds the network, one line per layer,
    as the course writes it. The script sets its precision once, before the model
    (`precision_lines`), so a layer names its dtype only where it differs from that policy: the
    float32 output of a bfloat16 network. `seeded` writes out the seeded starting weights;
    `comments` puts a comment line before the layer of that index."""
    policy = precision.layer_dtype(network.bfloat16)
    lines = [f"    keras.Input(shape={network.input_shape!r}),"]
    for index, (layer, dtype) in enumerate(zip(network.layers, network.dtypes(), strict=True)):
        if comments and index in comments:
            lines.append(f"    # {comments[index]}")
        lines.append(f"    {layer.source(seeded, None if dtype == policy else dtype)},")
    return precision_lines(network.bfloat16, words=words) + "model = keras.Sequential([\n" + "\n".join(lines) + "\n])\n"


def fashion_mnist_script(
    config: ImageTrainingSettings,
    stop: training.StopAtTarget | None,
    title: str,
    file_name: str,
    network: layers.Network,
    reshape: str = "",
    *,
    words: language.Words | None = None,
) -> str:
    """The course's Fashion-MNIST program around a model (Lessons 2 and 3): data, scaling, the
    callback when the run used one, fit, evaluate. Its comments are in the learner's language
    (English when no words are given); its code is Keras's."""
    words = words or _english()
    said = "engine.code_export."
    subset = (
        f"""
# {words(said + "subset", percent=words.percent(config.train_fraction, 0))}
rng = np.random.default_rng({config.seed})
subset = np.sort(np.concatenate([
    rng.permutation(np.flatnonzero(train_labels == label))[:keep]
    for label in np.unique(train_labels)
    for keep in [max(1, round({config.train_fraction!r} * np.sum(train_labels == label)))]
]))
train_images, train_labels = train_images[subset], train_labels[subset]
"""
        if config.train_fraction < 1.0
        else ""
    )
    scaling = (
        f"# {words(said + 'scale')}\ntrain_images = train_images / 255.0\ntest_images = test_images / 255.0\n"
        if config.scale_pixels
        else f"# {words(said + 'no_scaling')}\n"
    )
    if stop is not None:
        missing = "0" if stop.metric == "accuracy" else "float('inf')"  # a log that is missing never stops it
        comparison = f"logs.get({stop.metric!r}, {missing}) {stop.comparison} {stop.target!r}"
        callback = f'''

class StopAtTarget(keras.callbacks.Callback):
    """{words(said + "callback_docstring")}"""

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {{}}
        if {comparison}:  # {words(said + "logs_say_accuracy")}
            print("\\nReached the target so cancelling training!")
            self.model.stop_training = True

'''
        callbacks = ", callbacks=[StopAtTarget()]"
    else:
        callback, callbacks = "\n", ""
    return f'''"""{title}

{words(said + "generated", file_name=file_name)}
"""
import numpy as np
import keras

# {words(said + "downloads")}
(train_images, train_labels), (test_images, test_labels) = keras.datasets.fashion_mnist.load_data()
{subset}
{scaling}{reshape}{callback}
{model_source(network, words=words)}model.summary()

model.compile(
    optimizer={optimizer_expression(config.optimizer, config.learning_rate)},
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
model.fit(train_images, train_labels, epochs={config.epochs}, batch_size={config.batch_size}{callbacks})

test_loss, test_accuracy = model.evaluate(test_images, test_labels, verbose=0)
print(f"test loss: {{test_loss:.4f}}")
print(f"test accuracy: {{test_accuracy:.4f}}")
'''
