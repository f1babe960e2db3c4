"""A user's own files from `seqmodels train --task KIND --train FILE` to `seqmodels predict`
and an exported model: a long-CSV classifier and a TSV transducer, as docs/cli.md shows."""

import csv
import json

import numpy as np
import pytest

from seqmodels import cli
from seqmodels.runs import RunDir

pytestmark = pytest.mark.slow


def write_long_csv(path, n, start, seed):
    rng = np.random.default_rng(seed)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "time", "x1", "x2", "label"])
        for i in range(n):
            high = i % 2
            steps = list(range(int(rng.integers(4, 10))))
            rng.shuffle(steps)  # rows out of time order: the time column orders them
            for t in steps:
                writer.writerow([f"s{start + i}", t, round(rng.normal() + 1.5 * high, 4),
                                 round(rng.normal(), 4), "high" if high else "low"])


def test_a_long_csv_classifier_from_file_to_predictions_to_an_export(tmp_path, capsys):
    write_long_csv(tmp_path / "train.csv", 100, 0, 0)
    write_long_csv(tmp_path / "test.csv", 30, 1000, 1)
    out, files = tmp_path / "run", ["--train", str(tmp_path / "train.csv"),
                                    "--test", str(tmp_path / "test.csv")]
    command = ["train", "--task", "classify", *files, "--out", str(out), "--seed", "0",
               "--epochs", "8", "--units", "8", "--no-plots"]
    assert cli.main(command) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["test"]["accuracy"] >= 0.8 and metrics["test_sequences"] == 30
    config = json.loads((out / "config.json").read_text())
    assert config["task"] == "classify" and config["files"]["test"].endswith("test.csv")
    capsys.readouterr()
    assert cli.main(["predict", str(out), "--file", str(tmp_path / "test.csv"),
                     "--output", str(tmp_path / "p.csv")]) == 0
    with open(tmp_path / "p.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in rows] == [f"s{1000 + i}" for i in range(30)]
    estimator = RunDir(out).load_estimator()
    assert all(r["prediction"] in estimator.classes_ for r in rows)
    assert cli.main(["export", str(out), "--to", str(tmp_path / "served")]) == 0
    assert cli.main(["predict", str(tmp_path / "served"), "--file", str(tmp_path / "test.csv"),
                     "--output", str(tmp_path / "served.jsonl")]) == 0
    served = [json.loads(line) for line in (tmp_path / "served.jsonl").read_text().splitlines()]
    assert [(s["id"], s["prediction"]) for s in served] == \
        [(r["id"], r["prediction"]) for r in rows]  # the export predicts what the run does
    capsys.readouterr()
    assert cli.main(command) == 0  # the same command: a finished run, left as it is
    assert "is a finished run" in capsys.readouterr().out
    write_long_csv(tmp_path / "other.csv", 100, 0, 5)
    assert cli.main(["train", "--task", "classify", "--train", str(tmp_path / "other.csv"),
                     "--out", str(out), "--seed", "0", "--epochs", "8", "--units", "8"]) == 2
    assert "other settings (files:" in capsys.readouterr().err


def test_a_tsv_transducer_trains_and_predicts_lines_and_pairs(tmp_path, capsys):
    rng = np.random.default_rng(0)
    words = ["".join(rng.choice(list("abcd"), size=int(rng.integers(2, 5)))) for _ in range(240)]
    (tmp_path / "pairs.tsv").write_text("".join(f"{w}\t{w[::-1].upper()}\n" for w in words))
    out = tmp_path / "t"
    assert cli.main(["train", "--task", "transduce", "--train", str(tmp_path / "pairs.tsv"),
                     "--out", str(out), "--seed", "0", "--epochs", "12", "--no-plots"]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert "test" not in metrics and len(metrics["history"]["val_loss"]) == 12  # 10% held out
    (tmp_path / "words.txt").write_text("abc\ndcb\n")
    capsys.readouterr()
    assert cli.main(["predict", str(out), "--file", str(tmp_path / "words.txt")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["abc", "dcb"]
    assert sum(line.split("\t")[1] == line.split("\t")[0][::-1].upper() for line in lines) >= 1
    assert cli.main(["evaluate", str(out)]) == 2
    assert "without a --test file" in capsys.readouterr().err


@pytest.mark.parametrize("args, says", [
    (["train"], "Expected a task: one of japanese_vowels"),
    (["train", "--task", "classify"], "Expected --train FILE with --task classify"),
    (["train", "japanese_vowels", "--task", "classify", "--train", "x.csv"],
     "Expected a built-in task (japanese_vowels) or --task with --train, not both"),
    (["train", "japanese_vowels", "--train", "x.csv"], "--train / --valid / --test go with"),
    (["train", "--task", "classify", "--train", "missing.csv"],
     "No such file for --train: 'missing.csv'"),
])
def test_bad_file_options_are_one_line_before_anything_is_read(args, says, tmp_path, capsys,
                                                               monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())  # nothing written


def test_a_csv_forecaster_from_file_to_an_export_that_forecasts_the_same(tmp_path, capsys):
    t = np.arange(600)
    values = np.sin(t / 8.0) * 10 + 50 + np.random.default_rng(0).normal(0, 0.3, 600)
    for name, part in (("train", slice(0, 480)), ("test", slice(456, 600))):
        (tmp_path / f"{name}.csv").write_text(
            "time,value\n" + "".join(f"{i},{v:.4f}\n" for i, v in zip(t[part], values[part])))
    out = tmp_path / "fc"
    assert cli.main(["train", "--task", "forecast", "--train", str(tmp_path / "train.csv"),
                     "--test", str(tmp_path / "test.csv"), "--window", "24", "--horizon", "3",
                     "--units", "16", "--epochs", "10", "--seed", "0", "--out", str(out)]) == 0
    test = json.loads((out / "metrics.json").read_text())["test"]
    assert test["windows"] == 144 - 24 - 3 + 1 and test["mse"] < 0.25 * test["naive_mse"]
    assert cli.main(["export", str(out), "--to", str(tmp_path / "served")]) == 0
    capsys.readouterr()
    for target in (out, tmp_path / "served"):  # the whole training series: its last window
        assert cli.main(["predict", str(target), "--file", str(tmp_path / "train.csv")]) == 0
    run, served = capsys.readouterr().out.splitlines()
    assert run == served and len(run.split("\t")[1].split()) == 3


def test_column_options_a_validation_file_and_every_prediction_format(tmp_path, capsys):
    rng = np.random.default_rng(0)

    def write(path, start, n):  # other column names than the defaults, a decoy column
        with open(path, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["key", "step", "decoy", "signal", "target"])
            for i in range(n):
                for t in range(int(rng.integers(3, 7))):
                    writer.writerow([f"k{start + i}", t, "x", round(rng.normal() + i % 3, 3),
                                     float(i % 3)])

    write(tmp_path / "train.csv", 0, 60)
    write(tmp_path / "valid.csv", 500, 15)
    columns = ["--id-column", "key", "--time-column", "step", "--label-column", "target",
               "--feature-columns", "signal"]
    out = tmp_path / "reg"
    assert cli.main(["train", "--task", "regress", "--train", str(tmp_path / "train.csv"),
                     "--valid", str(tmp_path / "valid.csv"), *columns, "--epochs", "3",
                     "--units", "4", "--seed", "0", "--out", str(out)]) == 0
    config = json.loads((out / "config.json").read_text())
    assert config["columns"] == {"id": "key", "time": "step", "label": "target",
                                 "features": ["signal"]}
    assert config["params"]["validation_split"] == 0.0 and config["files"]["validation"]
    history = json.loads((out / "metrics.json").read_text())["history"]
    assert len(history["val_loss"]) == 3  # validated on valid.csv
    capsys.readouterr()
    assert cli.main(["predict", str(out), "--file", str(tmp_path / "valid.csv"), *columns,
                     "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == [f"k{500 + i}" for i in range(15)]
    padded = np.zeros((2, 4, 1), np.float32)
    padded[0, :3, 0], padded[1, :2, 0] = [0.1, 0.2, 0.3], [2.0, 2.1]
    np.savez(tmp_path / "new.npz", inputs=padded, lengths=[3, 2], ids=["first", "second"])
    assert cli.main(["predict", str(out), "--file", str(tmp_path / "new.npz"), "--output",
                     str(tmp_path / "new.csv")]) == 0
    with open(tmp_path / "new.csv") as f:
        assert [r["id"] for r in csv.DictReader(f)] == ["first", "second"]
    jsonl = tmp_path / "new.jsonl"
    jsonl.write_text('{"id": "a", "inputs": [0.1, 0.2, 0.3]}\n{"id": "b", "inputs": [2.0]}\n')
    assert cli.main(["predict", str(out), "--file", str(jsonl)]) == 0
    assert [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()] == ["a", "b"]


def test_a_tsv_file_to_predict_reads_its_first_field(tmp_path, capsys):
    words = ["ab", "ba", "abb", "bab", "aab", "bba"] * 20
    (tmp_path / "pairs.tsv").write_text("".join(f"{w}\t{w.upper()}\n" for w in words))
    out = tmp_path / "t"
    assert cli.main(["train", "--task", "transduce", "--train", str(tmp_path / "pairs.tsv"),
                     "--out", str(out), "--seed", "0", "--epochs", "1", "--units", "8",
                     "--no-plots"]) == 0
    (tmp_path / "ask.tsv").write_text("ab\tignored\nbba\tignored\n")
    capsys.readouterr()
    assert cli.main(["predict", str(out), "--file", str(tmp_path / "ask.tsv")]) == 0
    assert [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()] == ["1", "2"]


def test_predictions_read_the_trained_feature_columns_by_name(tmp_path, capsys):
    write_long_csv(tmp_path / "train.csv", 40, 0, 0)
    raw = (tmp_path / "train.csv").read_text().replace(",high", ",1.0").replace(",low", ",0.0")
    (tmp_path / "train.csv").write_text(raw)  # a regression: the predictions are numbers
    (tmp_path / "bom.csv").write_text("\ufeff" + raw, encoding="utf-8")  # as Excel saves it
    header, *rows = raw.splitlines()
    swapped = ["id,time,x2,x1,label"] + [",".join(r.split(",")[i] for i in (0, 1, 3, 2, 4))
                                         for r in rows]
    (tmp_path / "swapped.csv").write_text("\n".join(swapped) + "\n")
    out = tmp_path / "run"
    assert cli.main(["train", "--task", "regress", "--train", str(tmp_path / "bom.csv"),
                     "--out", str(out), "--seed", "0", "--epochs", "1", "--units", "4",
                     "--no-plots"]) == 0
    assert json.loads((out / "config.json").read_text())["columns"]["features"] == ["x1", "x2"]
    assert cli.main(["export", str(out), "--to", str(tmp_path / "served")]) == 0
    for target in (out, tmp_path / "served"):
        capsys.readouterr()
        assert cli.main(["predict", str(target), "--file", str(tmp_path / "train.csv"),
                         "--format", "csv"]) == 0
        straight = capsys.readouterr().out
        assert cli.main(["predict", str(target), "--file", str(tmp_path / "swapped.csv"),
                         "--format", "csv"]) == 0
        assert capsys.readouterr().out == straight  # columns matched by name, not position
    (tmp_path / "missing.csv").write_text("id,time,x1,label\na,0,1.0,0.0\n")
    assert cli.main(["predict", str(out), "--file", str(tmp_path / "missing.csv")]) == 2
    assert "['x2'] are not among" in capsys.readouterr().err
