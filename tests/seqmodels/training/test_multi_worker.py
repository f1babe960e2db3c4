"""fit() under MultiWorkerMirroredStrategy: two local workers train what one process trains."""

import os
import pathlib
import socket
import subprocess
import sys

import keras
import numpy as np
import pytest

from seqmodels.training import multi_worker

pytestmark = pytest.mark.tensorflow_only
JOB = pathlib.Path(__file__).with_name("multi_worker_job.py")
ROOT = pathlib.Path(__file__).resolve().parents[3]


def free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def run_job(model, index, ports, out):
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.Popen([sys.executable, str(JOB), model, str(index),
                             ",".join(map(str, ports)), str(out)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finished(process):
    output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, output[-3000:]


@pytest.mark.parametrize("model", ["many_to_one", "encoder_decoder"])
def test_two_workers_train_what_one_process_trains(model, tmp_path):
    ports = free_ports(2)
    workers = [run_job(model, i, ports, tmp_path / f"worker{i}.npz") for i in range(2)]
    single = run_job(model, -1, ports, tmp_path / "single.npz")
    for process in (*workers, single):
        finished(process)
    one = np.load(tmp_path / "single.npz")
    for i in range(2):
        worker = np.load(tmp_path / f"worker{i}.npz")
        assert len(worker["losses"]) == len(one["losses"]) == 8  # 4 global batches x 2 epochs
        np.testing.assert_allclose(worker["losses"], one["losses"], rtol=1e-5)
        weights = [k for k in one.files if k.startswith("w")]
        for key in weights:  # float32 sums in another order: a few ulps apart
            np.testing.assert_allclose(worker[key], one[key], atol=1e-5)
    assert not np.allclose(one["losses"][0], one["losses"][-1])  # it trained


def test_the_fix_refuses_a_keras_it_was_not_checked_on(monkeypatch):
    monkeypatch.setattr(keras, "__version__", "3.99.0")
    monkeypatch.setattr(multi_worker, "_applied", False)
    with pytest.raises(RuntimeError, match=r"checked on Keras 3\.15\.x.*keras==3\.99\.0"):
        multi_worker.enable_multi_worker_fit()
