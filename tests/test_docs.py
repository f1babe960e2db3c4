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
