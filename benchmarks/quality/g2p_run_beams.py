"""Greedy and beam-search test WER / PER of a `seqmodels train cmudict_g2p` run directory.

    .venv/bin/seqmodels train cmudict_g2p --seed 0 --out /tmp/runs/g2p_recipe
    .venv/bin/python benchmarks/quality/g2p_run_beams.py /tmp/runs/g2p_recipe \
        --name g2p_cli_recipe_seed0

The run's own `metrics.json` holds the task's score (beam 4); this adds greedy
and other beam widths, and records the run's history and training time.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from benchmarks.quality.common import save_result  # noqa: E402
from seqmodels.runs import RunDir, get_task  # noqa: E402
from seqmodels.runs.demo import score_beam_widths  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir")
    parser.add_argument("--beams", type=int, nargs="+", default=[1, 4, 5])
    parser.add_argument("--name", default="g2p_cli_run")
    args = parser.parse_args(argv)
    run = RunDir(args.run_dir)
    estimator, task = run.load_estimator(), get_task("cmudict_g2p")
    result = {"command": "benchmarks/quality/g2p_run_beams.py " + " ".join(argv or sys.argv[1:]),
              "config": run.read_json("config.json"), "metrics": run.read_json("metrics.json")}
    result.update(score_beam_widths(estimator, task, "test", args.beams))
    print({k: v for k, v in result.items() if k not in ("config", "metrics")})
    print(save_result(args.name, result))


if __name__ == "__main__":
    main()
