"""`seqmodels train / evaluate / predict / export` and their run directories."""

import json
import pickle
import struct

import keras
import numpy as np
import pytest

from seqmodels import cli
from seqmodels.runs import RunDir, get_task, predict, train, training

pytestmark = pytest.mark.slow

VOWELS = ["train", "japanese_vowels", "--epochs", "2", "--units", "8", "--limit", "60"]


def _png_size(path):
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_train_writes_a_complete_run_directory(tmp_path, data_dir, capsys):
    out = tmp_path / "run"
    assert cli.main([*VOWELS, "--out", str(out), "--data-dir", data_dir]) == 0
    names = {p.name for p in out.iterdir()}
    assert {"config.json", "estimator.pkl", "model.keras", "metrics.json", "plots", "logs",
            "checkpoints"} <= names
    config = json.loads((out / "config.json").read_text())
    assert config["params"]["epochs"] == 2 and config["params"]["units"] == 8
    metrics = json.loads((out / "metrics.json").read_text())
    estimator = RunDir(out).load_estimator()
    X, y = get_task("japanese_vowels").read("test", data_dir, 60)
    assert metrics["test"]["accuracy"] == pytest.approx(estimator.score(X, y))
    assert metrics["epochs"] == 2 and len(metrics["history"]["val_loss"]) == 2
    reloaded = keras.saving.load_model(out / "model.keras", safe_mode=True)
    np.testing.assert_allclose(reloaded.predict(estimator._batches(estimator._read_inputs(
        X[:5], fitting=False)), verbose=0), estimator._raw(X[:5]), atol=1e-5)
    for name in ("training_curves", "gradient_norms", "trajectories"):
        assert _png_size(out / "plots" / f"{name}.png")[0] > 300
    assert list((out / "logs" / "train").glob("events.out.tfevents.*"))


def test_evaluate_predict_and_export_agree(tmp_path, data_dir, capsys):
    out = tmp_path / "run"
    assert cli.main([*VOWELS, "--out", str(out), "--data-dir", data_dir, "--no-plots"]) == 0
    capsys.readouterr()
    assert cli.main(["evaluate", str(out)]) == 0
    assert "japanese_vowels test: accuracy" in capsys.readouterr().out
    assert cli.main(["export", str(out), "--to", str(tmp_path / "served")]) == 0
    X, _ = get_task("japanese_vowels").read("test", data_dir, 60)
    length = min(len(x) for x in X[:6])
    batch = np.stack([x[:length] for x in X[:6]])
    np.save(tmp_path / "six.npy", batch)
    from_run = predict(out, batch)
    assert from_run == predict(tmp_path / "served", batch)  # the highest version is used
    assert from_run == [str(c) for c in RunDir(out).load_estimator().predict(batch)]
    capsys.readouterr()
    assert cli.main(["predict", str(out), "--file", str(tmp_path / "six.npy")]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split("\t")[1] for line in lines] == from_run


def test_string_tasks_predict_from_words(tmp_path, data_dir):
    run = train("cmudict_g2p", out=tmp_path / "g2p", data_dir=data_dir, limit=200,
                overrides={"epochs": 1, "units": 16, "embedding_dim": 8, "beam_width": 2},
                log=lambda *_: None)
    words = predict(run.path, ["cat", "zyx"])
    assert len(words) == 2 and all(isinstance(w, str) for w in words)
    assert (run.path / "plots" / "attention.png").is_file()
    metrics = json.loads((run.path / "metrics.json").read_text())
    assert 0.0 <= metrics["test"]["per"] and metrics["test"]["words"] == 200


def test_an_interrupted_run_resumes_from_its_last_epoch(tmp_path, data_dir, monkeypatch):
    class Crash(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise RuntimeError("simulated crash after epoch 2")

    plain = training._callbacks
    monkeypatch.setattr(training, "_callbacks", lambda run, monitor: [*plain(run, monitor),
                                                                       Crash()])
    options = dict(out=tmp_path / "run", data_dir=data_dir, limit=60, plots=False,
                   overrides={"epochs": 4, "units": 8}, log=lambda *_: None)
    with pytest.raises(RuntimeError, match="simulated crash"):
        train("japanese_vowels", **options)
    assert not (tmp_path / "run" / "estimator.pkl").exists()
    assert any((tmp_path / "run" / "backup").iterdir())  # epoch 2 is backed up
    monkeypatch.setattr(training, "_callbacks", plain)
    run = train("japanese_vowels", **options)
    history = RunDir(run.path).load_estimator().history_
    assert len(history["loss"]) == 2  # epochs 3 and 4 only
    with open(run.path / "estimator.pkl", "rb") as f:
        assert pickle.load(f).epochs == 4


def test_command_errors_are_one_line(tmp_path, data_dir, capsys):
    config = tmp_path / "bad.toml"
    config.write_text("unitz = 4\n")
    assert cli.main(["train", "japanese_vowels", "--config", str(config),
                     "--out", str(tmp_path / "r")]) == 2
    assert "Unknown hyperparameters for SequenceClassifier: ['unitz']" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()  # nothing written
    assert cli.main(["train", "japanese_vowels", "--strategy", "multi-worker"]) == 2
    assert "keras-team/keras#20585" in capsys.readouterr().err
    assert cli.main(["evaluate", str(tmp_path)]) == 2
    assert "has no config.json" in capsys.readouterr().err
    out = tmp_path / "run"
    assert cli.main([*VOWELS, "--out", str(out), "--data-dir", data_dir, "--no-plots"]) == 0
    assert cli.main([*VOWELS[:3], "3", *VOWELS[4:], "--out", str(out), "--data-dir",
                     data_dir]) == 2
    assert "holds a run with another params" in capsys.readouterr().err
