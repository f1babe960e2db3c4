"""fit() under tf.distribute: two local workers, and two mirrored replicas, train what one
process trains on the same global batches of padded, variable-length sequences."""

import os
import pathlib
import socket
import subprocess
import sys

import keras
import numpy as np
import pytest

from seqmodels.training import distributed

pytestmark = pytest.mark.tensorflow_only
JOB = pathlib.Path(__file__).with_name("distributed_job.py")
ROOT = pathlib.Path(__file__).resolve().parents[3]
EXAMPLES, EPOCHS, STEPS = 32, 2, 4  # as in distributed_job.py: 4 global batches of 8


def free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def run_job(model, mode, ports, out):
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.Popen([sys.executable, str(JOB), model, str(mode),
                             ",".join(map(str, ports)), str(out)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finished(process):
    output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, output[-3000:]


def assert_trains_like(run, one):
    assert len(run["losses"]) == len(one["losses"]) == EPOCHS * STEPS
    np.testing.assert_allclose(run["losses"], one["losses"], rtol=1e-5)
    for key in (k for k in one.files if k.startswith("w")):  # sums in another order: ulps
        np.testing.assert_allclose(run[key], one[key], atol=1e-5)


def epochs_of(seen):
    """A process's recorded example ids, one array per epoch."""
    return np.split(np.asarray(seen), EPOCHS)


@pytest.mark.parametrize("model", ["many_to_one", "encoder_decoder"])
def test_workers_and_mirrored_replicas_train_what_one_process_trains(model, tmp_path):
    ports = free_ports(2)
    modes = (0, 1, "single", "mirrored")
    processes = [run_job(model, mode, ports, tmp_path / f"{mode}.npz") for mode in modes]
    for process in processes:
        finished(process)
    one, mirrored = np.load(tmp_path / "single.npz"), np.load(tmp_path / "mirrored.npz")
    workers = [np.load(tmp_path / f"{i}.npz") for i in range(2)]
    for run in (*workers, mirrored):
        assert_trains_like(run, one)
    assert not np.allclose(one["losses"][0], one["losses"][-1])  # it trained
    assert float(mirrored["replica_difference"]) == 0.0  # replicas hold identical weights (#19891)
    for epoch in range(EPOCHS):  # every example exactly once per epoch across workers
        both = np.concatenate([epochs_of(w["seen"])[epoch] for w in workers])
        assert sorted(both.tolist()) == list(range(EXAMPLES))
        assert not set(epochs_of(workers[0]["seen"])[epoch]) & set(
            epochs_of(workers[1]["seen"])[epoch])
        assert sorted(epochs_of(mirrored["seen"])[epoch].tolist()) == list(range(EXAMPLES))


def test_the_fix_refuses_a_keras_it_was_not_checked_on(monkeypatch):
    monkeypatch.setattr(keras, "__version__", "3.99.0")
    monkeypatch.setattr(distributed, "_applied", False)
    with pytest.raises(RuntimeError, match=r"checked on Keras 3\.15\.x.*keras==3\.99\.0"):
        distributed.enable_distributed_fit()


def test_the_former_strategy_names_warn_and_answer_as_the_distribution_ones():
    with pytest.warns(DeprecationWarning, match="use `make_distribution`"):
        assert distributed.make_strategy(None) is None
    assert distributed.make_distribution("none") is None
    with pytest.raises(ValueError, match=r"Expected `distribution` in .*Received: distribution="):
        distributed.make_distribution("cluster")
