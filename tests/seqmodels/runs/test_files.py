"""The formats of users' files (`seqmodels.runs.files`), read without training: what each
holds, and one-line errors naming the file, the line and what was expected."""

import json

import numpy as np
import pytest

from seqmodels.runs.files import Columns, read_examples
from seqmodels.runs.predicting import read_keyed_inputs, write_predictions


def test_a_long_csv_gives_sequences_labels_and_ids(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("key,t,v,w,y\nb,1,2,20,up\nb,0,1,10,up\na,0,5,50,down\n")
    X, y, ids = read_examples(path, "classify", Columns(id="key", time="t", label="y"))
    assert ids == ["b", "a"] and y == ["up", "down"]
    np.testing.assert_array_equal(X[0], [[1, 10], [2, 20]])
    path.write_text("key,t,v,w,score\nb,1,2,20,0.5\nb,0,1,10,0.5\na,0,5,50,1.5\n")
    X, y, _ = read_examples(path, "regress", Columns(id="key", time="t", label="score",
                                                    features=("w",)))
    assert y.dtype == np.float32 and y.tolist() == [0.5, 1.5]
    assert [x[:, 0].tolist() for x in X] == [[10, 20], [50]]


def test_a_regression_label_that_changes_within_an_id_is_refused(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("id,time,x,label\na,0,1,3.5\na,1,2,4.0\n")
    with pytest.raises(ValueError, match=r"Sequence 'a' has two labels .*'3.5', and '4.0' at "
                                         r"line 3"):
        read_examples(path, "regress")


def test_tag_labels_come_one_per_step(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("id,time,x,label\na,1,2,V\na,0,1,N\n")
    _, y, _ = read_examples(path, "tag")
    assert y[0].tolist() == ["N", "V"]


def test_a_tsv_gives_pairs_and_refuses_a_line_without_a_target(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text("cat\tK AE T\n\ndog\tD AO G\n")
    X, y, ids = read_examples(path, "transduce")
    assert X == ["cat", "dog"] and y == ["K AE T", "D AO G"] and ids == [1, 3]
    path.write_text("cat\tK AE T\ndog\n")
    with pytest.raises(ValueError, match=r"Expected source<TAB>target on .*p.tsv line 2. "
                                         r"Received: 'dog'"):
        read_examples(path, "transduce")


def test_jsonl_holds_features_tokens_or_pairs(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": "u1", "inputs": [[1, 2], [3, 4]], "label": "x"}\n'
                    '{"inputs": [5, 6, 7], "label": "y"}\n')
    X, y, ids = read_examples(path, "classify")
    assert ids == ["u1", 2] and y == ["x", "y"] and [x.shape for x in X] == [(2, 2), (3, 1)]
    path.write_text('{"inputs": ["the", "cat"], "label": ["DET", "NOUN"]}\n')
    X, y, _ = read_examples(path, "tag")
    assert X == [["the", "cat"]] and y[0].tolist() == ["DET", "NOUN"]
    path.write_text('{"source": "cat", "target": "K AE T"}\n')
    assert read_examples(path, "transduce")[:2] == (["cat"], ["K AE T"])


@pytest.mark.parametrize("line, message", [
    ('{"inputs": [1, 2]}', r'Expected an object with "inputs" and "label" on .*a.jsonl line 1'),
    ("not json", r"a.jsonl line 1 is not JSON"),
    ('{"inputs": [], "label": 1}', r'Expected "inputs" on .*line 1 as a non-empty list of steps'),
    ('{"inputs": ["a", "b"], "label": ["N"]}',
     r'Expected "label" on .*line 1 as a list of 2 labels, one per step'),
])
def test_bad_jsonl_lines_are_refused_naming_the_line(tmp_path, line, message):
    path = tmp_path / "a.jsonl"
    path.write_text(line + "\n")
    with pytest.raises(ValueError, match=message):
        read_examples(path, "tag" if "N" in line else "classify")


def test_an_npz_gives_the_real_steps_and_its_labels(tmp_path):
    path = tmp_path / "a.npz"
    np.savez(path, inputs=np.arange(12.0).reshape(2, 3, 2), lengths=[3, 1], labels=[0.5, 1.5],
             ids=["p", "q"])
    X, y, ids = read_examples(path, "regress")
    assert ids == ["p", "q"] and y.tolist() == [0.5, 1.5] and [x.shape for x in X] == [(3, 2),
                                                                                      (1, 2)]
    np.savez(path, inputs=np.zeros((2, 3)), lengths=[3, 1])
    with pytest.raises(ValueError, match=r"has no `labels`"):
        read_examples(path, "classify")


def test_unknown_formats_and_kinds_are_refused(tmp_path):
    (tmp_path / "a.xlsx").write_text("x")
    with pytest.raises(ValueError, match=r"Expected the file as one of .csv, .tsv, .jsonl, .npz. "
                                         r"Received: 'a.xlsx'"):
        read_examples(tmp_path / "a.xlsx", "classify")
    (tmp_path / "a.csv").write_text("id,x,label\na,1,2\n")
    with pytest.raises(ValueError, match=r"--task transduce reads .tsv"):
        read_examples(tmp_path / "a.csv", "transduce")
    with pytest.raises(ValueError, match=r"Expected --task in \['classify', 'forecast', 'regress', "
                                         r"'tag', 'transduce'\]. Received: 'cluster'"):
        read_examples(tmp_path / "a.csv", "cluster")
    with pytest.raises(FileNotFoundError, match=r"No such file for the file: '.*missing.csv'"):
        read_examples(tmp_path / "missing.csv", "classify")


def test_prediction_inputs_are_keyed_by_their_ids(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("id,time,x,label\nb,1,2,up\nb,0,1,up\na,0,5,down\n")  # the label is ignored
    padded, ids = read_keyed_inputs([], str(path))
    assert ids == ["b", "a"] and padded.lengths.tolist() == [2, 1]
    np.testing.assert_array_equal(padded.inputs[0, :, 0], [1, 2])
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text('{"id": 7, "source": "cat"}\n{"source": "dog"}\n')
    assert read_keyed_inputs([], str(jsonl)) == (["cat", "dog"], [7, 2])
    assert read_keyed_inputs(["cat"], None) == (["cat"], ["cat"])


def test_predictions_are_written_as_tsv_csv_or_jsonl(tmp_path, capsys):
    write_predictions(["a", "b"], ["x", "y z"])
    assert capsys.readouterr().out == "a\tx\nb\ty z\n"
    write_predictions(["a", "b"], ["x", "y,z"], tmp_path / "p.csv")
    assert (tmp_path / "p.csv").read_text() == 'id,prediction\na,x\nb,"y,z"\n'
    write_predictions([1], ["x"], tmp_path / "p.jsonl")
    assert json.loads((tmp_path / "p.jsonl").read_text()) == {"id": 1, "prediction": "x"}
    assert not list(tmp_path.glob(".*partial"))


def test_predict_tells_a_missing_folder_from_a_folder_without_versions(tmp_path):
    from seqmodels.runs import predict

    with pytest.raises(FileNotFoundError, match=r"No run directory or SavedModel folder at "):
        predict(tmp_path / "nothing", ["cat"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match=r"No exported version under .*empty.*: expected "
                                                r"integer-named directories such as 1/"):
        predict(tmp_path / "empty", ["cat"])


def test_every_command_and_option_has_help():
    import argparse

    from seqmodels.cli import make_parser

    parser = make_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in commands.choices.items():
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help, f"seqmodels {name} {action.option_strings or action.dest}"
    assert "classify" in commands.choices["train"].format_help()
    assert ".jsonl" in commands.choices["train"].format_help()
