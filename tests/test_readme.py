"""The README's Python examples run as written (a newcomer's first contact must be true)."""

import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_examples_and_the_two_commands():
    text = README.read_text()
    assert len(BLOCKS) >= 3
    assert text.index("make demo") < text.index("```python")
    assert "make test" in text


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index, monkeypatch, data_dir, capsys):
    monkeypatch.setenv("SEQMODELS_DATA_DIR", data_dir)
    exec(compile(BLOCKS[index], f"README.md[python block {index}]", "exec"), {})
    out = capsys.readouterr().out
    if "decode_python(labels)" in BLOCKS[index]:
        assert "['K AE T', 'D AO G']" in out
    if "japanese_vowels" in BLOCKS[index]:
        assert out.strip().endswith(", 12)")
