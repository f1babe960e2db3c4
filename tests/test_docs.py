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
