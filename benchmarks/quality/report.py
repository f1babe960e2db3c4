"""Prints the quality results in benchmarks/results/quality/*.json as Markdown rows.

    .venv/bin/python benchmarks/quality/report.py vowels turkish_pos sunspots g2p_seed0

Used to write docs/benchmarks.md from the recorded files rather than by hand.
"""

from __future__ import annotations

import json
import pathlib
import sys

RESULTS = pathlib.Path(__file__).resolve().parents[1] / "results" / "quality"


def _seconds(runs):
    seconds = [r["seconds"] for r in runs if "seconds" in r]
    return f"{min(seconds):.0f}-{max(seconds):.0f} s" if seconds else "-"


def row(name: str) -> str:
    r = json.loads((RESULTS / f"{name}.json").read_text())
    runs = r.get("runs", [])
    seeds = ", ".join(str(x["seed"]) for x in runs if "seed" in x)
    if "mse_mean" in r:
        per_seed = ", ".join(f"{x['mse']:.1f}" for x in runs)
        figure = (f"MSE {r['mse_mean']:.1f} +- {r['mse_std']:.1f} ({per_seed}); "
                  f"ensemble {r['ensemble']['mse']:.1f} (MAD {r['ensemble']['mad']:.2f})")
    elif "greedy" in r:
        beams = [k for k in r if k.startswith("beam")]
        parts = [f"{k}: WER {100 * r[k]['wer']:.1f}%, PER {100 * r[k]['per']:.2f}%"
                 for k in ["greedy", *beams]]
        figure = "; ".join(parts) + f"; {r.get('epochs_run', '?')} epochs"
        return f"| {name} | {figure} | {r.get('train_seconds', 0):.0f} s training |"
    elif "mean" in r:
        key = "test_accuracy" if runs and "test_accuracy" in runs[0] else "exact_match"
        per_seed = ", ".join(f"{x[key]:.4f}" for x in runs)
        figure = f"{r['mean']:.4f} +- {r['std']:.4f} ({per_seed})"
        if "ensemble_accuracy" in r:
            figure += f"; ensemble {r['ensemble_accuracy']:.4f}"
    else:
        figure = json.dumps({k: v for k, v in r.items() if k not in ("args", "command")})[:300]
    return f"| {name} | seeds {seeds} | {figure} | {_seconds(runs)} per seed |"


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(row(name))
