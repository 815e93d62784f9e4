"""Drawing the library: every exercise's start and end pose rendered to SVG (issue 18: all <= 1 s).

Pure Python, no database: the poses are the library's own data. Prints the median of a few
rounds (the first includes nothing but warm imports) and the size of the markup.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROUNDS = 7
GOAL_SECONDS = 1.0


def render_all(exercises, render_pose) -> int:
    size = 0
    for spec in exercises:
        size += len(render_pose(spec["poses"]["start"], title=spec["illustration_alt"]))
        size += len(render_pose(spec["poses"]["end"], title=spec["illustration_end_alt"]))
    return size


def main() -> None:
    from programs.figures import render_pose
    from programs.library import EXERCISES

    times, size = [], 0
    for _ in range(ROUNDS):
        started = time.perf_counter()
        size = render_all(EXERCISES, render_pose)
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    poses = 2 * len(EXERCISES)
    print(f"{len(EXERCISES)} exercises, {poses} poses, {size / 1024:.0f} KiB of SVG")
    print(f"render all poses: {median * 1000:.1f} ms median of {ROUNDS} (best {min(times) * 1000:.1f} ms)")
    print(
        f"per pose: {median / poses * 1e6:.0f} µs; goal <= {GOAL_SECONDS:.0f} s: {'met' if median <= GOAL_SECONDS else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
