"""Lessons 2-4: how a network's weights and their gradients spread out, epoch by epoch, as
TensorBoard's Histograms tab shows them.

A healthy run's weights widen a little as they learn and its gradients stay spread around zero.
A broken one shows itself here: gradients that shrink to nothing, weights that never move, or,
after a too-high learning rate, ReLU units that died (no input ever switches them on, so every
weight into or out of them gets a gradient of exactly zero). The trainer
(`core.engine.training`) records the counts of each histogram, never the tensors, so a run's
record stays a few kilobytes and travels with its history through a job's result (and Ray's
object store). TensorFlow-free, like the history it belongs to.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

BINS = 30  # per histogram, over that epoch's smallest to largest value, as np.histogram(values, bins=30)


@dataclass(frozen=True)
class Histogram:
    """The counts of one tensor's values in BINS equal bins from `low` to `high` (np.histogram's
    own edges), and how many values were exactly zero or not finite (left out of the bins)."""

    low: float
    high: float
    counts: np.ndarray  # (BINS,) int32
    zeros: int  # values exactly 0.0: a dead ReLU unit's weights get exactly zero gradient
    not_finite: int = 0  # NaN or infinite values, counted apart (np.histogram cannot bin them)

    @property
    def edges(self) -> np.ndarray:
        return np.linspace(self.low, self.high, len(self.counts) + 1)

    @property
    def total(self) -> int:
        """How many values the histogram describes, finite or not."""
        return int(self.counts.sum()) + self.not_finite

    def bin_of(self, value: float) -> int | None:
        """The bin that holds `value` (the last bin includes its right edge), None outside."""
        if not self.low <= value <= self.high:
            return None
        return min(int(np.searchsorted(self.edges, value, side="right")) - 1, len(self.counts) - 1)


def histogram_of(values: np.ndarray, bins: int = BINS) -> Histogram:
    """The histogram of a tensor's finite values, exactly as `np.histogram(values, bins)` counts them."""
    flat = np.asarray(values).ravel()
    finite = flat[np.isfinite(flat)]
    if finite.size == 0:
        return Histogram(0.0, 0.0, np.zeros(bins, np.int32), 0, flat.size)
    counts, edges = np.histogram(finite, bins=bins)
    zeros = int(np.count_nonzero(finite == 0))
    return Histogram(float(edges[0]), float(edges[-1]), counts.astype(np.int32), zeros, flat.size - finite.size)


@dataclass(frozen=True)
class KernelLayer:
    """A layer whose kernel is recorded: its Keras class, as Keras spells it, and the kernel's shape."""

    kind: str  # "Dense" or "Conv2D"
    shape: tuple[int, ...]


@dataclass(frozen=True)
class EpochHistograms:
    """Every recorded layer's kernel weights and their gradients at the end of one epoch."""

    epoch: int  # 0: before training
    weights: tuple[Histogram, ...]  # one per layer, in the network's order
    gradients: tuple[Histogram, ...]


@dataclass
class WeightHistograms:
    """A run's histograms, epoch by epoch (the starting weights first). The gradients are of the
    training loss on one fixed sample of the training examples, the same sample every epoch, so
    one epoch compares with the next."""

    layers: tuple[KernelLayer, ...]
    sample_size: int  # training examples the gradients are computed on
    epochs: list[EpochHistograms] = field(default_factory=list)

    def add(self, epoch: int, weights: Sequence[np.ndarray], gradients: Sequence[np.ndarray]) -> None:
        """Records one epoch from each layer's kernel and its gradient (the arrays are not kept)."""
        if not len(weights) == len(gradients) == len(self.layers):
            raise ValueError(f"Need a kernel and a gradient for each of {len(self.layers)} layers.")
        self.epochs.append(
            EpochHistograms(
                epoch,
                tuple(histogram_of(kernel) for kernel in weights),
                tuple(histogram_of(gradient) for gradient in gradients),
            )
        )

    def copy(self) -> WeightHistograms:
        """A snapshot another thread can read while training adds epochs."""
        return dataclasses.replace(self, epochs=list(self.epochs))
