"""Regenerate the park scenarios' CSV files.

    python -m scenarios.generators               # every scenario, in place
    python -m scenarios.generators --out DIR     # into DIR/NAME/ instead
    python -m scenarios.generators deep_c amata  # only these
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import GENERATORS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m scenarios.generators", description="Regenerate the park scenarios' CSV files.")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"scenarios to write (default: all of {', '.join(GENERATORS)})")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1], help="folder holding the scenario folders")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(GENERATORS))
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(GENERATORS)}")
    for name in args.names or GENERATORS:
        for path in GENERATORS[name]().write(args.out / name):
            print(path)


if __name__ == "__main__":
    main()
