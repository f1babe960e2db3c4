"""`seqmodels train / evaluate / predict / export` and their run directories."""

import json
import struct

import keras
import numpy as np
import pytest

from seqmodels import cli
from seqmodels.runs import RunDir, commands, get_task, predict, train

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
    assert list((out / "logs" / "1" / "train").glob("events.out.tfevents.*"))
    assert isinstance(config["params"]["random_state"], int)  # drawn and recorded


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
    from_run = predict(out, batch)
    assert from_run == predict(tmp_path / "served", batch)  # the highest version is used
    assert from_run == [str(c) for c in RunDir(out).load_estimator().predict(batch)]
    # From a file: padded rows with their lengths; the padding (NaN here) is never read.
    width = max(len(x) for x in X[:6])
    padded = np.full((6, width, X[0].shape[1]), np.nan, "float32")
    for row, x in zip(padded, X[:6]):
        row[:len(x)] = x
    np.savez(tmp_path / "six.npz", inputs=padded, lengths=[len(x) for x in X[:6]])
    expected = [str(c) for c in RunDir(out).load_estimator().predict(X[:6])]
    for target in (out, tmp_path / "served"):
        capsys.readouterr()
        assert cli.main(["predict", str(target), "--file", str(tmp_path / "six.npz")]) == 0
        lines = capsys.readouterr().out.strip().splitlines()
        assert [line.split("\t")[1] for line in lines] == expected
    np.save(tmp_path / "six.npy", padded)
    assert cli.main(["predict", str(out), "--file", str(tmp_path / "six.npy")]) == 2
    assert "a padded array without lengths" in capsys.readouterr().err
    np.savez(tmp_path / "bad.npz", inputs=padded, lengths=[width + 1] * 6)
    assert cli.main(["predict", str(out), "--file", str(tmp_path / "bad.npz")]) == 2
    assert f"Expected 1 <= lengths[i] <= {width}" in capsys.readouterr().err
    np.savez(tmp_path / "wide.npz", inputs=np.zeros((2, 4, 5)), lengths=[4, 4])
    for target, says in ((out, "has 5 features per step"), (tmp_path / "served", "reads 12 "
                                                                                 "features")):
        assert cli.main(["predict", str(target), "--file", str(tmp_path / "wide.npz")]) == 2
        err = capsys.readouterr().err
        assert says in err and len(err.strip().splitlines()) == 1
    assert cli.main(["predict", str(tmp_path / "served"), "hello"]) == 2
    assert "reads float sequences; received text inputs" in capsys.readouterr().err


def test_string_tasks_predict_from_words(tmp_path, data_dir):
    run = train("cmudict_g2p", out=tmp_path / "g2p", data_dir=data_dir, limit=200,
                overrides={"epochs": 1, "units": 16, "embedding_dim": 8, "beam_width": 2},
                log=lambda *_: None)
    words = predict(run.path, ["cat", "zyx"])
    assert len(words) == 2 and all(isinstance(w, str) for w in words)
    assert (run.path / "plots" / "attention.png").is_file()
    metrics = json.loads((run.path / "metrics.json").read_text())
    assert 0.0 <= metrics["test"]["per"] and metrics["test"]["words"] == 200


def test_an_interrupted_run_resumes_and_ends_as_a_run_never_stopped(tmp_path, data_dir,
                                                                     monkeypatch):
    class Crash(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            if self.epoch == 2 and batch == 1:
                raise RuntimeError("simulated crash in epoch 3")

    plain = commands._callbacks
    monkeypatch.setattr(commands, "_callbacks", lambda *a: [*plain(*a), Crash()])
    options = dict(data_dir=data_dir, limit=60, plots=False, seed=3,
                   overrides={"epochs": 4, "units": 8, "dropout": 0.1}, log=lambda *_: None)
    with pytest.raises(RuntimeError, match="simulated crash"):
        train("japanese_vowels", out=tmp_path / "run", **options)
    assert not (tmp_path / "run" / "estimator.pkl").exists()
    assert (tmp_path / "run" / "backup" / "checkpoint.npz").is_file()
    monkeypatch.setattr(commands, "_callbacks", plain)
    resumed = RunDir(train("japanese_vowels", out=tmp_path / "run", **options).path)
    straight = RunDir(train("japanese_vowels", out=tmp_path / "straight", **options).path)
    a, b = resumed.load_estimator(), straight.load_estimator()
    assert len(a.history_["loss"]) == 4 and a.history_ == b.history_  # all 4 epochs, the same
    for u, v in zip(a.model_.get_weights(), b.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(u, v)
    assert a.epochs == 4 and a.checkpoint_dir is None  # the pickle names no folder
    assert keras.saving.load_model(resumed.path / "checkpoints" / "best.keras") is not None


def test_command_errors_are_one_line(tmp_path, data_dir, capsys):
    config = tmp_path / "bad.toml"
    config.write_text("unitz = 4\n")
    assert cli.main(["train", "japanese_vowels", "--config", str(config),
                     "--out", str(tmp_path / "r")]) == 2
    assert "Unknown hyperparameters for SequenceClassifier: ['unitz']" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()  # nothing written
    assert cli.main(["train", "japanese_vowels", "--distribution", "multi-worker"]) == 2
    assert "Expected `out` (--out) for a multi-worker run" in capsys.readouterr().err
    assert cli.main(["train", "japanese_vowels", "--distribution", "mirrored", "--strategy",
                     "none", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "--strategy is deprecated" in err and "Expected one of --distribution" in err
    assert cli.main(["evaluate", str(tmp_path)]) == 2
    assert "has no config.json" in capsys.readouterr().err
    for bad in ("0", "-1", "x"):
        with pytest.raises(SystemExit) as exited:
            cli.main([*VOWELS[:-1], bad, "--out", str(tmp_path / "r")])
        assert exited.value.code == 2 and "expected an integer >= 1" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()
    a_file = tmp_path / "a_file"
    a_file.write_text("mine")
    assert cli.main([*VOWELS, "--out", str(a_file)]) == 2
    assert "which is a file" in capsys.readouterr().err
    assert cli.main(["predict", str(a_file), "x"]) == 2
    assert "No run directory or SavedModel folder" in capsys.readouterr().err
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("mine")
    assert cli.main([*VOWELS, "--out", str(tmp_path / "notes"), "--overwrite"]) == 2
    assert "not a seqmodels run directory" in capsys.readouterr().err
    assert (tmp_path / "notes" / "todo.txt").read_text() == "mine"


def test_a_finished_run_is_kept_continued_or_restarted_on_request(tmp_path, data_dir, capsys):
    out = tmp_path / "run"
    common = ["--out", str(out), "--data-dir", data_dir, "--no-plots", "--seed", "7"]
    assert cli.main([*VOWELS, *common]) == 0
    model = (out / "model.keras").read_bytes()
    assert json.loads((out / "config.json").read_text())["params"]["random_state"] == 7
    capsys.readouterr()
    assert cli.main([*VOWELS, *common]) == 0  # the same command: nothing retrained
    assert "is a finished run (2 epochs): nothing to do" in capsys.readouterr().out
    assert (out / "model.keras").read_bytes() == model
    assert cli.main([*VOWELS, *common, "--units", "16"]) == 2  # a changed setting: refused
    err = capsys.readouterr().err
    assert "other settings (units: 8 -> 16)" in err and "epochs" not in err
    assert cli.main([*VOWELS[:3], "3", *VOWELS[4:], *common]) == 0  # more epochs: trained on
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["epochs"] == 3 and len(metrics["history"]["val_loss"]) == 3
    assert sorted(p.name for p in (out / "logs").iterdir()) == ["1", "2"]  # never mixed
    assert cli.main([*VOWELS[:3], "1", *VOWELS[4:], *common, "--overwrite"]) == 0
    assert json.loads((out / "metrics.json").read_text())["epochs"] == 1
    assert sorted(p.name for p in (out / "logs").iterdir()) == ["1"]


def test_a_broken_run_or_export_is_one_line_not_a_traceback(tmp_path, data_dir, capsys):
    out = tmp_path / "run"
    assert cli.main([*VOWELS, "--out", str(out), "--data-dir", data_dir, "--no-plots"]) == 0
    assert cli.main(["export", str(out), "--to", str(tmp_path / "served")]) == 0
    pickled = out / "estimator.pkl"
    pickled.write_bytes(pickled.read_bytes()[:1000])  # truncated
    capsys.readouterr()
    assert cli.main(["evaluate", str(out)]) == 2
    err = capsys.readouterr().err
    assert "estimator.pkl cannot be read" in err and "--overwrite" in err
    assert len(err.strip().splitlines()) == 1
    assert cli.main(["predict", str(tmp_path / "served"), "--file", str(pickled)]) == 2
    assert "line 1 is not UTF-8 text (byte 0)" in capsys.readouterr().err
    (tmp_path / "served" / "1" / "saved_model.pb").write_bytes(b"not a graph")
    assert cli.main(["predict", str(tmp_path / "served"), "hello"]) == 2
    err = capsys.readouterr().err
    assert "is not a loadable SavedModel" in err and len(err.strip().splitlines()) == 1
    assert cli.main(["export", str(tmp_path / "run"), "--to", str(pickled)]) == 2
    assert "error:" in capsys.readouterr().err
