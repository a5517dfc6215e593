"""The Knox test on 10,000 incidents, 99 permutations, 3 × 3 bands (0-100-200-300 m ×
0-7-14-21 days): wall time and peak memory, against tobydavies/NearRepeat on the same data.

The incidents are generated (seeded) over a 10 km × 10 km town and a year: background, a few
hot spots, and near-repeat follow-ups (an incident within ~200 m and ~2 weeks of an earlier one).
Each implementation runs in its own fresh process, so the peak resident memory (ru_maxrss) is its
own; "of which the test" is the rise of that peak over the process's peak before the call.

NearRepeat is never part of this project: clone it elsewhere, give it its own virtualenv, and
point this script at both. With it, the script also checks our counts against the observed table
its "Usage of Knox test" notebook publishes for Chicago burglaries in 2016.

    git clone https://github.com/tobydavies/NearRepeat /tmp/NearRepeat
    python3 -m venv /tmp/nearrepeat-venv
    /tmp/nearrepeat-venv/bin/pip install numpy pandas scipy scikit-learn
    .venv/bin/python bench/knox.py [--incidents 10000] [--permutations 99] \\
        [--nearrepeat /tmp/NearRepeat --nearrepeat-python /tmp/nearrepeat-venv/bin/python]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

DISTANCE_BANDS = [100.0, 200.0, 300.0]
TIME_BANDS = [7.0, 14.0, 21.0]
SEED = 20261128
# "Usage of Knox test" notebook of tobydavies/NearRepeat: Chicago residential burglary in 2016,
# bands [0, 0.1] (0.1, 200] (200, 400] (400, 600] m × [0, 7] (7, 14] (14, 21] days.
CHICAGO_BANDS = ([0.1, 200.0, 400.0, 600.0], [7.0, 14.0, 21.0])
CHICAGO_PUBLISHED = [[342, 97, 62], [1892, 1514, 1362], [4145, 3643, 3592], [5805, 5143, 4919]]


def generate(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """x, y (metres) and days of `count` incidents: 60 % background, 30 % in eight hot spots,
    10 % near-repeat follow-ups of earlier incidents."""
    rng = np.random.default_rng(seed)
    background, clustered = int(count * 0.6), int(count * 0.3)
    follow = count - background - clustered
    xy = rng.uniform(0, 10_000, (count, 2))
    days = rng.uniform(0, 365, count)
    centres = rng.uniform(1_500, 8_500, (8, 2))
    spread = rng.uniform(100, 400, 8)
    which = rng.integers(0, 8, clustered)
    hot = slice(background, background + clustered)
    xy[hot] = centres[which] + rng.normal(0, 1, (clustered, 2)) * spread[which, None]
    source = rng.integers(0, background + clustered, follow)
    xy[-follow:] = xy[source] + rng.normal(0, 120, (follow, 2))
    days[-follow:] = np.minimum(days[source] + rng.exponential(6, follow), 365)
    return xy, days


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _worker_ours(data: Path, permutations: int, repeats: int) -> dict[str, object]:
    """Our Knox test on the saved incidents, `repeats` times (a fresh seed each)."""
    from incidents.analysis.knox import knox_test

    loaded = np.load(data)
    xy, days = loaded["xy"], loaded["days"]
    before = _peak_mb()
    seconds = []
    for attempt in range(repeats):
        started = time.perf_counter()
        result = knox_test(
            xy[:, 0], xy[:, 1], days, DISTANCE_BANDS, TIME_BANDS, permutations, attempt
        )
        seconds.append(time.perf_counter() - started)
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "rise_mb": _peak_mb() - before,
        "observed": result.observed.tolist(),
        "ratio": result.ratio.round(3).tolist(),
        "p": result.p.round(3).tolist(),
    }


def _worker_nearrepeat(data: Path, permutations: int, repository: Path) -> dict[str, object]:
    """NearRepeat's Knox test on the saved incidents, run by its own interpreter."""
    sys.path.insert(0, str(repository))
    from stats import knox  # type: ignore[import-not-found]  # NearRepeat's, from its checkout

    loaded = np.load(data)
    xy, days = loaded["xy"], loaded["days"]
    before = _peak_mb()
    started = time.perf_counter()
    result = knox.knox_test(xy, days, DISTANCE_BANDS, TIME_BANDS, permutations, seed=SEED)
    seconds = time.perf_counter() - started
    return {
        "seconds": [seconds],
        "peak_mb": _peak_mb(),
        "rise_mb": _peak_mb() - before,
        "observed": result.conting_observed.to_numpy().astype(int).tolist(),
        "ratio": result.ratios_median.to_numpy().round(3).tolist(),
        "p": result.p_values.to_numpy().round(3).tolist(),
    }


def _chicago_2016(repository: Path) -> list[list[int]]:
    """Our observed table for the NearRepeat notebook's Chicago 2016 example."""
    from incidents.analysis.knox import knox_test

    xs, ys, days = [], [], []
    with (repository / "data/chicago_burglary_2014_2017.csv").open() as rows:
        for row in csv.DictReader(rows):
            day, month, year = (int(part) for part in row["date_single"].split()[0].split("/"))
            if year == 2016:
                xs.append(float(row["x"]))
                ys.append(float(row["y"]))
                days.append((date(year, month, day) - date(2016, 1, 1)).days)
    result = knox_test(xs, ys, days, *CHICAGO_BANDS, permutations=1, seed=1)
    observed: list[list[int]] = result.observed.tolist()
    return observed


def _run(args: list[str], python: str = sys.executable) -> Any:
    """Run this script as a worker in a fresh process; its last line of output, as JSON."""
    done = subprocess.run(
        [python, __file__, *args], capture_output=True, text=True, check=False, env=os.environ
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def _table(name: str, figures: dict[str, Any]) -> str:
    seconds = sorted(figures["seconds"])
    runs = ", ".join(f"{s:.2f}" for s in seconds)
    return (
        f"{name:<26}{seconds[len(seconds) // 2]:>9.2f} s  (runs: {runs})"
        f"{figures['peak_mb']:>10.0f} MB peak RSS, of which the test {figures['rise_mb']:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--permutations", type=int, default=99)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--nearrepeat", type=Path, default=os.environ.get("NEARREPEAT_DIR"))
    parser.add_argument("--nearrepeat-python", default=os.environ.get("NEARREPEAT_PYTHON"))
    parser.add_argument("--worker", choices=["ours", "nearrepeat", "chicago"])
    parser.add_argument("--data", type=Path)
    args = parser.parse_args()
    if args.worker == "ours":
        print(json.dumps(_worker_ours(args.data, args.permutations, args.repeats)))
        return
    if args.worker == "nearrepeat":
        print(json.dumps(_worker_nearrepeat(args.data, args.permutations, args.nearrepeat)))
        return
    if args.worker == "chicago":
        print(json.dumps(_chicago_2016(args.nearrepeat)))
        return

    print("$", " ".join([Path(sys.executable).name, *sys.argv]))
    xy, days = generate(args.incidents, SEED)
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "incidents.npz"
        np.savez(data, xy=xy, days=days)
        common = ["--data", str(data), "--permutations", str(args.permutations)]
        ours = _run(["--worker", "ours", "--repeats", str(args.repeats), *common])
        theirs = None
        if args.nearrepeat:
            python = args.nearrepeat_python or sys.executable
            repo = ["--nearrepeat", str(args.nearrepeat)]
            theirs = _run(["--worker", "nearrepeat", *repo, *common], python)
            chicago = _run(["--worker", "chicago", *repo])
    print(
        f"\n{args.incidents:,} incidents, {args.permutations} permutations, "
        f"{len(DISTANCE_BANDS)} × {len(TIME_BANDS)} bands, seed {SEED}"
    )
    print(f"(machine load average over the last minute: {os.getloadavg()[0]:.2f})")
    print(_table("incidents.analysis.knox", ours))
    print(f"  observed {ours['observed']}\n  Knox ratio {ours['ratio']}\n  p {ours['p']}")
    if theirs is None:
        print("NearRepeat: not run (give --nearrepeat PATH)")
        return
    print(_table("tobydavies/NearRepeat", theirs))
    print(f"  observed {theirs['observed']}\n  Knox ratio {theirs['ratio']}\n  p {theirs['p']}")
    agree = "agree" if ours["observed"] == theirs["observed"] else "DIFFER"
    print(f"observed counts {agree}")
    published = "agree" if chicago == CHICAGO_PUBLISHED else f"DIFFER: {chicago}"
    print(f"NearRepeat's published Chicago 2016 table (11,701 burglaries): our counts {published}")


if __name__ == "__main__":
    main()
