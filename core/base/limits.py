"""What one training may take from a server shared by a class: memory, epochs and time.

A network is costed before it is built. Lesson 4 at 300×300 with one convolution block puts
Dense(512) on an unpooled 149×149×16 map: 181,872,065 parameters, whose weights, gradients and
optimizer slots alone need about 2.9 GB, and that one training took the server from 0.7 to
7.7 GB. Settings above the budget are refused with the reason and what to change.

The photos count too: 834 KB of upload (4,990 photos of 8×8 pixels) decoded at 300×300 is 1.3 GB,
and a training holds them several times over (`DataCost`); that upload took the server from 1.8
to 9.7 GB. Lessons that train on photos cost them before any is decoded, and cap the classes and
the photos of an upload (`PhotoLimits`).

`TRAINING_MEMORY_MB` sets the budget (1,024 MB by default), `TRAINING_TIME_LIMIT_S` the wall-clock
limit of one training on a shared server (600 s by default; the run keeps what it trained); both
are read with the server's other settings (`core.base.settings`).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

from core.base import language, settings

MEMORY_VARIABLE = settings.MEMORY_VARIABLE
DEFAULT_MEMORY_MB = settings.DEFAULT_MEMORY_MB
TIME_LIMIT_VARIABLE = settings.TIME_LIMIT_VARIABLE
DEFAULT_TIME_LIMIT_S = settings.DEFAULT_TIME_LIMIT_S
FLOAT_BYTES = 4


@dataclass(frozen=True)
class ModelCost:
    """A network's size, known before it is built: its parameters, and the numbers its layers
    output for one example (kept for the backward pass while it trains)."""

    parameters: int
    activations_per_example: int
    activation_bytes: int = FLOAT_BYTES  # 2 when the layers compute in bfloat16 (their weights stay float32)

    def training_bytes(self, batch_size: int, optimizer_slots: int = 2) -> int:
        """Memory to train it: weights, gradients and the optimizer's slots (RMSprop and Adam keep
        one or two per weight; two is the safe side), and each batch's activations with their
        gradients."""
        weights = self.parameters * FLOAT_BYTES * (2 + optimizer_slots)
        activations = self.activations_per_example * batch_size * self.activation_bytes * 2
        return weights + activations


@dataclass(frozen=True)
class DataCost:
    """What one training's data take in memory, known before any is loaded: what it holds for the
    whole training, and what it holds only while the trainer copies the data in (the network's
    training memory reuses that space once training starts, so the larger of the two counts)."""

    held_bytes: int  # e.g. the decoded photos, their split copies and the trainer's own copy
    copying_bytes: int  # the extra copy TensorFlow makes while it takes the arrays in
    description: str | language.Message  # what the data are, for the message: "1,283 photos at 300×300"
    advice: str | language.Message = ""  # what to change when the data tip a training over the budget

    def with_network(self, network_bytes: int) -> int:
        """The training's memory with a network that needs `network_bytes` to train."""
        return self.held_bytes + max(self.copying_bytes, network_bytes)


@dataclass(frozen=True)
class PhotoLimits:
    """How many classes and photos a folder may bring to a lesson that trains on photos. A zip of 300
    class folders of two photos each (101 KB) drew 300 tiles and then crashed; one of 4,990 tiny
    photos (834 KB) was decoded whole before anything was costed. These caps are checked on the
    scanned folder, before anything is drawn or decoded; the memory budget then bounds the photos
    at the chosen size."""

    max_classes: int = 20  # each class is a tile, a row of previews and an output; the course has 2
    max_uploaded_photos: int = 2_000  # in one upload; the course's training set has 1,027 (and 256 to validate)

    def check(self, classes: int, photos: int, uploaded: bool = False) -> None:
        """Refuses too many classes anywhere and too many photos in an upload, with what to do."""
        if classes > self.max_classes:
            raise language.LearnerError(
                _SAID + "too_many_classes", classes=f"{classes:,}", max_classes=self.max_classes
            )
        if uploaded and photos > self.max_uploaded_photos:
            raise language.LearnerError(
                _SAID + "too_many_photos", photos=f"{photos:,}", max_photos=f"{self.max_uploaded_photos:,}"
            )


def memory_budget_bytes(server_settings: settings.ServerSettings | None = None) -> int:
    """What one training may hold on this server: TRAINING_MEMORY_MB, in bytes."""
    return (server_settings or settings.current()).memory_budget_mb * 2**20


def time_limit_s(server_settings: settings.ServerSettings | None = None) -> float:
    """One training's wall-clock limit on a shared server: TRAINING_TIME_LIMIT_S."""
    return (server_settings or settings.current()).time_limit_s


def training_bytes(cost: ModelCost, batch_size: int, data: DataCost | None = None) -> int:
    """Everything one training holds: the network's training memory and, when given, its data's."""
    network = cost.training_bytes(batch_size)
    return network if data is None else data.with_network(network)


def check_memory(
    cost: ModelCost,
    batch_size: int,
    suggestion: str | language.Message,
    budget_bytes: int | None = None,
    data: DataCost | None = None,
) -> None:
    """Refuses, before anything is built or loaded, a training that would need more than the budget:
    the network alone, or the network with its data."""
    budget = memory_budget_bytes() if budget_bytes is None else budget_bytes
    needed = training_bytes(cost, batch_size, data)
    if needed <= budget:
        return
    network = cost.training_bytes(batch_size)
    if data is None or network > budget:
        raise language.LearnerError(
            _SAID + "network_too_large",
            parameters=f"{cost.parameters:,}",
            network_gb=f"{network / 2**30:.1f}",
            budget_gb=f"{budget / 2**30:.1f}",
            suggestion=suggestion,
        )
    raise language.LearnerError(
        _SAID + "training_too_large",
        needed=_megabytes(needed),
        budget=_megabytes(budget),
        parameters=f"{cost.parameters:,}",
        network=_megabytes(network),
        data=data.description,
        data_size=_megabytes(needed - network),
        advice=data.advice or suggestion,
    )


_SAID = "base.messages.limits."


def describe(cost: ModelCost, batch_size: int, data: DataCost | None = None) -> str:
    """The cost in words, for the settings, in English (`describe_message` in any language)."""
    return str(describe_message(cost, batch_size, data))


def describe_message(cost: ModelCost, batch_size: int, data: DataCost | None = None) -> language.Message:
    """The cost in words, for the settings."""
    network = cost.training_bytes(batch_size)
    words = language.Message(_SAID + "cost", {"parameters": f"{cost.parameters:,}", "network": _megabytes(network)})
    if data is None:
        return words
    needed = training_bytes(cost, batch_size, data)
    values = {
        "cost": words,
        "data": data.description,
        "data_size": _megabytes(needed - network),
        "needed": _megabytes(needed),
        "budget": _megabytes(memory_budget_bytes()),
    }
    return language.Message(_SAID + "cost_with_data", values)


def _megabytes(size: int) -> language.Message:
    return language.Message(_SAID + "megabytes", {"size": f"{size / 2**20:,.0f}"})


def return_freed_memory() -> None:
    """Hands what the process has freed back to the system. glibc keeps freed memory for its own
    reuse (the decoder threads' arenas, a decode's one array per photo); the large arrays go back
    as soon as they are freed. Called after a decode and after each training job: 23-33 MB less
    resident after a Lesson 4 session (`bench upload_memory`). A no-op where there is no glibc."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        return
