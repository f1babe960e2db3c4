"""Exact resume: a seeded fit killed by SIGKILL at any moment and started again ends with the
weights and history of a fit never stopped, bit for bit: in one process, under
MirroredStrategy, and with two workers (resume_job.py is the fit)."""

import json
import os
import pathlib
import random
import signal
import subprocess
import sys

import numpy as np
import pytest

from seqmodels.training import read_progress

pytestmark = pytest.mark.tensorflow_only
JOB = pathlib.Path(__file__).with_name("resume_job.py")
ROOT = pathlib.Path(__file__).resolve().parents[3]
KILLED = -signal.SIGKILL


def start(mode, kill, checkpoints, out, ports=()):
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.Popen([sys.executable, str(JOB), str(mode), kill, str(checkpoints),
                             str(out), ",".join(map(str, ports))],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def run(mode, kill, checkpoints, out):
    process = start(mode, kill, checkpoints, out)
    output, _ = process.communicate(timeout=300)
    return process.returncode, output


def assert_same_fit(straight, resumed):
    a, b = np.load(straight), np.load(resumed)
    weights = [k for k in a.files if k != "history"]
    assert weights and sorted(weights) == sorted(k for k in b.files if k != "history")
    for key in weights:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    history = json.loads(str(a["history"]))
    assert json.loads(str(b["history"])) == history
    assert len(history["loss"]) == 3 and len(history["val_loss"]) == 3


def kill_moments(seed=15):
    """Five moments, seeded: mid-epoch batches, a validation batch, a checkpoint write."""
    rng = random.Random(seed)
    moments = [f"batch:{rng.randint(2, 8)}" for _ in range(3)]
    moments.insert(1, f"write:{rng.randint(2, 4)}")
    moments.insert(3, f"validation:{rng.randint(1, 3)}")
    return moments


def position(checkpoints):
    """`(epoch, step)` of the newest whole checkpoint; `(0, -1)` before the first."""
    progress = read_progress(checkpoints)
    return (0, -1) if progress is None else (progress["epoch"], progress["step"])


def test_a_fit_killed_at_five_seeded_moments_ends_as_one_never_stopped(tmp_path):
    code, output = run("single", "none", tmp_path / "straight", tmp_path / "straight.npz")
    assert code == 0, output[-3000:]
    checkpoints, positions = tmp_path / "chain", []
    for moment in kill_moments():
        code, output = run("single", moment, checkpoints, tmp_path / "chain.npz")
        assert code == KILLED, f"{moment}: {output[-3000:]}"
        positions.append(position(checkpoints))
        if moment.startswith("write"):  # the cut write is beside the last whole checkpoint
            assert list(checkpoints.glob(".checkpoint.*.partial"))
    assert positions == sorted(positions) and len(set(positions)) >= 4, positions
    assert any(step > 0 for _, step in positions)  # some kills resumed mid-epoch
    assert positions[-1] < (3, 0)  # and the run was not finished before the last restart
    code, output = run("single", "none", checkpoints, tmp_path / "chain.npz")
    assert code == 0, output[-3000:]
    assert_same_fit(tmp_path / "straight.npz", tmp_path / "chain.npz")
    assert not list(checkpoints.glob(".*.partial"))
    assert position(checkpoints) == (3, 0)


def test_a_mirrored_fit_killed_mid_epoch_and_in_a_write_ends_as_one_never_stopped(tmp_path):
    code, output = run("mirrored", "none", tmp_path / "straight", tmp_path / "straight.npz")
    assert code == 0, output[-3000:]
    for moment in ("batch:4", "write:2"):
        code, output = run("mirrored", moment, tmp_path / "chain", tmp_path / "chain.npz")
        assert code == KILLED, f"{moment}: {output[-3000:]}"
    code, output = run("mirrored", "none", tmp_path / "chain", tmp_path / "chain.npz")
    assert code == 0, output[-3000:]
    assert_same_fit(tmp_path / "straight.npz", tmp_path / "chain.npz")


def run_workers(name, kills, tmp_path):
    """Two workers; once one is killed, the other (stuck in a collective) is killed too."""
    from tests.seqmodels.training.test_distributed import free_ports

    ports = free_ports(2)
    processes = [start(i, kill, tmp_path / name, tmp_path / f"{name}-{i}.npz", ports)
                 for i, kill in enumerate(kills)]
    victim = next((i for i, kill in enumerate(kills) if kill != "none"), None)
    if victim is not None:
        output, _ = processes[victim].communicate(timeout=300)
        assert processes[victim].returncode == KILLED, output[-3000:]
        processes[1 - victim].kill()
        processes[1 - victim].communicate(timeout=60)
        return
    for process in processes:
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, output[-3000:]


def test_two_workers_killed_in_a_write_and_mid_epoch_end_as_two_never_stopped(tmp_path):
    run_workers("straight", ["none", "none"], tmp_path)
    run_workers("chain", ["write:3", "none"], tmp_path)  # worker 1 may hold a newer checkpoint
    run_workers("chain", ["none", "batch:5"], tmp_path)
    run_workers("chain", ["none", "none"], tmp_path)
    for i in range(2):
        assert_same_fit(tmp_path / f"straight-{i}.npz", tmp_path / f"chain-{i}.npz")
    assert (tmp_path / "chain" / "workers" / "1" / "checkpoint.npz").is_file()
