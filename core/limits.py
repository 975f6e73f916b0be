"""What one training may take from a server shared by a class: memory, epochs and time.

A network is costed before it is built. Lesson 4 at 300×300 with one convolution block puts
Dense(512) on an unpooled 149×149×16 map: 181,872,065 parameters, whose weights, gradients and
optimizer slots alone need about 2.9 GB, and that one training took the server from 0.7 to
7.7 GB. Settings above the budget are refused with the reason and what to change.

`TRAINING_MEMORY_MB` sets the budget (1,024 MB by default), `TRAINING_TIME_LIMIT_S` the wall-clock
limit of one training on a shared server (600 s by default; the run keeps what it trained).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

MEMORY_VARIABLE = "TRAINING_MEMORY_MB"
DEFAULT_MEMORY_MB = 1024
TIME_LIMIT_VARIABLE = "TRAINING_TIME_LIMIT_S"
DEFAULT_TIME_LIMIT_S = 600.0
FLOAT_BYTES = 4


@dataclass(frozen=True)
class ModelCost:
    """A network's size, known before it is built: its parameters, and the numbers its layers
    output for one example (kept for the backward pass while it trains)."""

    parameters: int
    activations_per_example: int

    def training_bytes(self, batch_size: int, optimizer_slots: int = 2) -> int:
        """Memory to train it: weights, gradients and the optimizer's slots (RMSprop and Adam keep
        one or two per weight; two is the safe side), and each batch's activations with their
        gradients."""
        weights = self.parameters * FLOAT_BYTES * (2 + optimizer_slots)
        activations = self.activations_per_example * batch_size * FLOAT_BYTES * 2
        return weights + activations


def memory_budget_bytes(environ: Mapping[str, str] = os.environ) -> int:
    value = environ.get(MEMORY_VARIABLE, "").strip()
    megabytes = int(value) if value.isdigit() and int(value) > 0 else DEFAULT_MEMORY_MB
    return megabytes * 2**20


def time_limit_s(environ: Mapping[str, str] = os.environ) -> float:
    value = environ.get(TIME_LIMIT_VARIABLE, "").strip()
    try:
        seconds = float(value)
    except ValueError:
        return DEFAULT_TIME_LIMIT_S
    return seconds if seconds > 0 else DEFAULT_TIME_LIMIT_S


def check_memory(cost: ModelCost, batch_size: int, suggestion: str, budget_bytes: int | None = None) -> None:
    """Refuses, before anything is built, a network whose training would need more than the budget."""
    budget = memory_budget_bytes() if budget_bytes is None else budget_bytes
    needed = cost.training_bytes(batch_size)
    if needed > budget:
        raise ValueError(
            f"This network has {cost.parameters:,} parameters and would need about {needed / 2**30:.1f} GB "
            f"to train, more than the {budget / 2**30:.1f} GB one training may use on this server. {suggestion}"
        )


def describe(cost: ModelCost, batch_size: int) -> str:
    """The cost in words, for the settings."""
    return f"{cost.parameters:,} parameters, about {cost.training_bytes(batch_size) / 2**20:,.0f} MB to train"
