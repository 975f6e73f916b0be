"""`python -m bench <name>`: run one benchmark and print its JSON result as the last line."""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

BENCHMARKS = (
    "hello_world",
    "dense",
    "cnn",
    "histograms",
    "real_world",
    "synthetic",
    "validation_spread",
    "unfamiliar",
    "embedding_map",
    "class_load",
    "memory",
    "upload_memory",
    "tour",
    "all",
)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("name", choices=BENCHMARKS)
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats of each side (default per benchmark)")
    parser.add_argument(
        "--quick", action="store_true", help="a smoke test: less data and fewer epochs (not the figures to report)"
    )
    arguments = parser.parse_args()
    benchmark = importlib.import_module(f"bench.{arguments.name}")
    options = {"repeats": arguments.repeats, "quick": arguments.quick or None}
    accepted = inspect.signature(benchmark.run).parameters
    unused = [f"--{name}" for name, value in options.items() if value and name not in accepted]
    if unused:
        parser.error(f"{arguments.name} takes no {' or '.join(unused)}")
    result = benchmark.run(**{name: value for name, value in options.items() if value})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
