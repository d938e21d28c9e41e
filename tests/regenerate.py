"""Regenerate the stored expectations of the regression tests. Never run by the tests themselves.

    .venv/bin/python tests/regenerate.py golden-lp          # tests/plan/golden/*.lp  (planning MILP, per family)
    .venv/bin/python tests/regenerate.py pinned-campaign    # tests/sim/pinned/*.json (campaign numbers)
    .venv/bin/python tests/regenerate.py all

(``.venv/bin/python -m tests.regenerate …`` from the repository root does the same.) Run it only after a
deliberate change to the planner's constraints or to the engine or data, then review the diff
(``git diff tests/plan/golden tests/sim/pinned``) and commit it with the change that caused it.
See docs/testing.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
for folder in (REPO / "src", TESTS / "plan", TESTS / "sim"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


def golden_lp() -> list[Path]:
    import golden_lp

    return golden_lp.write_golden()


def pinned_campaign() -> list[Path]:
    import pinned_campaign

    return pinned_campaign.write_pinned()


TARGETS = {"golden-lp": golden_lp, "pinned-campaign": pinned_campaign}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tests/regenerate.py",
        description="Rewrite the golden LP files or the pinned campaign numbers (review the diff afterwards).",
    )
    parser.add_argument("target", choices=[*TARGETS, "all"], help="what to regenerate")
    args = parser.parse_args(argv)
    names = list(TARGETS) if args.target == "all" else [args.target]
    for name in names:
        for path in TARGETS[name]():
            print(f"wrote {path.relative_to(REPO)}")
    print("review the changes: git diff tests/plan/golden tests/sim/pinned")
    return 0


if __name__ == "__main__":
    sys.exit(main())
