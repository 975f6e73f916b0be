"""The number format the lessons' networks train in: bfloat16 where the processor computes it
natively, float32 everywhere else.

Keras's `mixed_bfloat16` policy keeps every weight in float32 and computes each layer in
bfloat16: half the bytes per number, and processors with `avx512_bf16` (AMD Zen 4, Intel Cooper
Lake and later) or `amx_bf16` (Intel Sapphire Rapids and later) multiply them natively. Measured
on a 2-core AMD EPYC with `avx512_bf16`: Lesson 3's network trained one epoch on 20% of
Fashion-MNIST in 3.4-3.6 s against 5.5-6.1 s in float32, with the same test accuracy (0.818 vs
0.819). Without native support bfloat16 is emulated and slower, so it stays off.

The policy is set per layer (`layer_dtype`), never globally, and the output layer stays float32:
its softmax or sigmoid feeds the loss, where bfloat16's 8 bits of precision round probabilities
near 0 and 1. `TRAINING_PRECISION=float32` turns bfloat16 off for the whole server (read with the
server's other settings, `core.base.settings`).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from core.base import language, settings

NATIVE_FLAGS = ("avx512_bf16", "amx_bf16")  # /proc/cpuinfo's names for native bfloat16
VARIABLE = settings.PRECISION_VARIABLE  # "float32" turns bfloat16 off; unset or "auto": where native
MIXED = "mixed_bfloat16"
FLOAT32 = "float32"


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The processor's feature flags, as Linux lists them (empty where there is no such file)."""
    try:
        text = cpuinfo.read_text(errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


def native_flags(flags: Iterable[str]) -> tuple[str, ...]:
    """Which of the native bfloat16 flags the processor has."""
    present = set(flags)
    return tuple(flag for flag in NATIVE_FLAGS if flag in present)


@cache
def _this_processor() -> tuple[str, ...]:
    return native_flags(cpu_flags())


def setting(server_settings: settings.ServerSettings | None = None) -> str:
    """TRAINING_PRECISION: "auto" or "float32"."""
    return (server_settings or settings.current()).precision


def bfloat16_available(
    flags: Iterable[str] | None = None, server_settings: settings.ServerSettings | None = None
) -> bool:
    """Whether a training here may use bfloat16: the processor computes it natively and the
    server has not turned it off."""
    native = native_flags(flags) if flags is not None else _this_processor()
    return bool(native) and setting(server_settings) == "auto"


def default_bfloat16() -> bool:
    """A lesson's setting before the learner touches it: on wherever it is available (Lessons 3
    and 4; Lesson 2 defaults to float32, `FASTER_IN_FLOAT32`)."""
    return bfloat16_available()


FASTER_IN_FLOAT32 = (
    "Trained in float32: this small dense network trains fastest XLA-compiled, and XLA computes "
    "bfloat16 slower than float32 here (on an AMD EPYC with avx512_bf16 it took more than twice as long)."
)


def layer_dtype(bfloat16: bool) -> str:
    """The `dtype=` of a hidden layer (its output layer is always float32)."""
    return MIXED if bfloat16 else FLOAT32


def why(
    bfloat16: bool,
    flags: Iterable[str] | None = None,
    float32_reason: str | language.Message | None = None,
    server_settings: settings.ServerSettings | None = None,
) -> str:
    """One line on which precision ran and why, in English (`why_message` in the learner's language)."""
    return str(why_message(bfloat16, flags, float32_reason, server_settings))


def why_message(
    bfloat16: bool,
    flags: Iterable[str] | None = None,
    float32_reason: str | language.Message | None = None,
    server_settings: settings.ServerSettings | None = None,
) -> language.Message | str:
    """One line on which precision ran and why, for the page and the exported script; a lesson
    that prefers float32 where bfloat16 is available gives its reason (`FASTER_IN_FLOAT32` is
    said in the learner's language; another text as it is)."""
    said = "base.messages.precision."
    native = native_flags(flags) if flags is not None else _this_processor()
    if bfloat16:
        if native:
            computes = language.Message(said + "computes_natively", {"flags": ", ".join(native)})
        else:
            computes = language.Message(said + "asked")
        return language.Message(said + "mixed", {"computes": computes})
    if not native:
        return language.Message(said + "no_native")
    if setting(server_settings) == FLOAT32:
        return language.Message(said + "server_off", {"variable": VARIABLE})
    if float32_reason == FASTER_IN_FLOAT32:
        return language.Message(said + "faster_in_float32")
    return float32_reason or language.Message(said + "run_off")


def name(bfloat16: bool) -> str:
    """The precision as benchmarks and run tables name it."""
    return "bfloat16" if bfloat16 else "float32"
