"""`seqmodels train --distribution multi-worker` on two local workers: the chief alone writes
the run, and the trained model is the one a single process trains with the same seed."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

from tests.seqmodels.training.test_distributed import free_ports

pytestmark = pytest.mark.tensorflow_only
ROOT = pathlib.Path(__file__).resolve().parents[3]
COMMAND = ["train", "adding_problem", "--limit", "64", "--epochs", "2", "--seed", "3",
           "--no-plots", "--units", "8"]


def cli(args, data_dir, tf_config=None):
    env = {**os.environ, "SEQMODELS_DATA_DIR": data_dir,
           "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    if tf_config:
        env["TF_CONFIG"] = json.dumps(tf_config)
    return subprocess.Popen([sys.executable, "-m", "seqmodels_cli", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finished(process):
    output, _ = process.communicate(timeout=400)
    assert process.returncode == 0, output[-3000:]
    return output


def test_two_workers_write_one_run_equal_to_one_process(tmp_path, data_dir):
    from pipelines.datasets import build

    build("adding_problem/T50", data_dir)  # once, before the workers read it
    ports = free_ports(2)
    cluster = {"worker": [f"127.0.0.1:{port}" for port in ports]}
    out = tmp_path / "run"
    workers = [cli([*COMMAND, "--distribution", "multi-worker", "--out", str(out)], data_dir,
                   {"cluster": cluster, "task": {"type": "worker", "index": i}})
               for i in range(2)]
    single = cli([*COMMAND, "--out", str(tmp_path / "one")], data_dir)
    chief, _, _ = (finished(process) for process in (*workers, single))
    assert "unhealthy" not in chief  # worker 1 waited for the chief before it left
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert not [p for p in written if "workers/" in p]  # worker 1 kept no file at the end
    assert "backup/checkpoint.npz" in written  # the chief's: `--epochs N` trains on exactly
    assert {"config.json", "estimator.pkl", "metrics.json", "model.keras",
            "checkpoints/best.keras"} <= set(written)
    config = json.loads((out / "config.json").read_text())
    assert config["params"]["distribution"] == "multi-worker"
    assert config["params"]["random_state"] == 3
    both = [json.loads((path / "metrics.json").read_text()) for path in (out, tmp_path / "one")]
    assert both[0]["test"]["mse"] == pytest.approx(both[1]["test"]["mse"], rel=1e-5)
