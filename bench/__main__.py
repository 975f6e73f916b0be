"""`python -m bench <name>`: run one benchmark and print its JSON result as the last line."""

from __future__ import annotations

import argparse
import importlib
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

BENCHMARKS = (
    "hello_world",
    "dense",
    "cnn",
    "real_world",
    "synthetic",
    "validation_spread",
    "unfamiliar",
    "class_load",
    "memory",
    "upload_memory",
)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("name", choices=BENCHMARKS)
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats of each side (default per benchmark)")
    arguments = parser.parse_args()
    benchmark = importlib.import_module(f"bench.{arguments.name}")
    result = benchmark.run(**({"repeats": arguments.repeats} if arguments.repeats else {}))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
