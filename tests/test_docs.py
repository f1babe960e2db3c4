"""The Python examples of the user guides run as written."""

import pathlib
import re

import pytest

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs"
GUIDES = ["models.md"]
BLOCKS = [(name, i, block) for name in GUIDES
          for i, block in enumerate(re.findall(r"```python\n(.*?)```",
                                               (DOCS / name).read_text(), flags=re.S))]


@pytest.mark.parametrize("name, index, block", BLOCKS, ids=[f"{n}[{i}]" for n, i, _ in BLOCKS])
def test_guide_example_runs(name, index, block, capsys):
    import keras

    keras.utils.set_random_seed(0)
    exec(compile(block, f"docs/{name}[python block {index}]", "exec"), {})
    out = capsys.readouterr().out
    if "K AE T" in block:
        assert "['K AE T', 'D AO G']" in out
    if "OneToMany(7" in block:
        assert out.strip().startswith("[[4 4 3")


def test_export_guide_runs_as_one_session(capsys):
    """docs/export.md's blocks build on each other: run them in order, in one namespace."""
    import keras

    keras.utils.set_random_seed(0)
    namespace = {}
    text = (DOCS / "export.md").read_text()
    for i, block in enumerate(re.findall(r"```python\n(.*?)```", text, flags=re.S)):
        exec(compile(block, f"docs/export.md[python block {i}]", "exec"), namespace)
    out = capsys.readouterr().out.splitlines()
    assert "1 ['decode_step', 'encode', 'greedy', 'nbest', 'score', 'serving_default']" in out
    assert "(3,) (3,)" in out and "b'' 0.0" in out
    assert "[TensorShape([2]), TensorShape([2])]" in out
    assert "(2, 3) (2,) (2,)" in out


def _run_in_one_namespace(name):
    import keras

    keras.utils.set_random_seed(0)
    namespace = {}
    text = (DOCS / name).read_text()
    for i, block in enumerate(re.findall(r"```python\n(.*?)```", text, flags=re.S)):
        exec(compile(block, f"docs/{name}[python block {i}]", "exec"), namespace)
    return namespace


def _number(pattern, out):
    return float(re.search(pattern, out).group(1))


@pytest.mark.slow
def test_many_to_one_guide(capsys, data_dir, monkeypatch):
    monkeypatch.setenv("SEQMODELS_DATA_DIR", data_dir)
    _run_in_one_namespace("shapes/many_to_one.md")
    out = capsys.readouterr().out
    assert _number(r"accuracy ([0-9.]+)", out) >= 0.9  # 9 speakers: chance 0.11
    assert _number(r"MSE ([0-9.]+)", out) < 0.1  # predicting the mean: 0.167
    assert "(2, 9)" in out and "32 (50,)" in out


@pytest.mark.slow
def test_forecasting_guide(capsys, data_dir, monkeypatch):
    monkeypatch.setenv("SEQMODELS_DATA_DIR", data_dir)
    namespace = _run_in_one_namespace("shapes/forecasting.md")
    out = capsys.readouterr().out
    assert "over 67 years" in out and namespace["predicted"].shape == (67,)
    assert _number(r"test MSE ([0-9.]+)", out) < 600  # the test years' variance: 2,454


@pytest.mark.slow
def test_aligned_guide(capsys, data_dir, monkeypatch):
    monkeypatch.setenv("SEQMODELS_DATA_DIR", data_dir)
    namespace = _run_in_one_namespace("shapes/aligned_many_to_many.md")
    out = capsys.readouterr().out
    assert _number(r"token accuracy ([0-9.]+)", out) >= 0.8
    assert float(out.strip().splitlines()[-1]) >= 0.9
    assert namespace["tagger"].classes_.tolist() == ["down", "up"]


@pytest.mark.slow
def test_one_to_many_guide(capsys):
    namespace = _run_in_one_namespace("shapes/one_to_many.md")
    counts, out = namespace["counts"], namespace["out"]["tokens"][:, 0].numpy()
    expected = [sum(([4 + k] * int(c) for k, c in enumerate(row)), []) for row in counts[:3]]
    assert [row[row > 3].tolist() for row in out] == expected


@pytest.mark.slow
def test_encoder_decoder_guide(capsys, data_dir, monkeypatch):
    monkeypatch.setenv("SEQMODELS_DATA_DIR", data_dir)
    namespace = _run_in_one_namespace("shapes/encoder_decoder.md")
    assert namespace["rates"]["per"] < 0.5 and namespace["rates"]["words"] == 200
    assert len(namespace["alignments"]) == 8
    assert 0.0 < namespace["monotonic_share"](namespace["alignments"]) <= 1.0


def test_estimators_and_diagnostics_guides(capsys):
    from seqmodels.runs import get_task

    estimators = _run_in_one_namespace("estimators.md")
    assert estimators["recipe"].get_params() == \
        get_task("cmudict_g2p").make_estimator().get_params()  # the guide shows the task's recipe
    out = capsys.readouterr().out
    assert "X[1] contains NaN or inf (first at position (0, 0))." in out
    assert "True" in out.splitlines()  # a fit taken up from its checkpoint: the same weights
    namespace = _run_in_one_namespace("diagnostics.md")
    assert namespace["curve"].shape == (40,)
