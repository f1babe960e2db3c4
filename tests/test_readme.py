"""The README's Python examples run as written (a newcomer's first contact must be true)."""

import os
import pathlib
import re
import subprocess
import sys

import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_examples_and_the_two_commands():
    text = README.read_text()
    assert len(BLOCKS) >= 3
    assert text.index("make demo") < text.index("```python")
    assert "make test" in text


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index, monkeypatch, data_dir, capsys, tmp_path):
    monkeypatch.setenv("SEQMODELS_DATA_DIR", data_dir)
    monkeypatch.chdir(tmp_path)  # exports land in tmp_path/saved_models
    exec(compile(BLOCKS[index], f"README.md[python block {index}]", "exec"), {})
    out = capsys.readouterr().out
    if "decode_python(labels)" in BLOCKS[index]:
        assert "['K AE T', 'D AO G']" in out
    if 'load("japanese_vowels"' in BLOCKS[index]:
        assert out.strip().endswith(", 12)")
    if "SequenceClassifier" in BLOCKS[index]:
        accuracy = float(re.search(r"test accuracy ([0-9.]+)", out).group(1))
        assert accuracy >= 0.9  # 9 speakers: chance 0.11
        assert out.strip().endswith("saved_models/vowels/1")
    if "ManyToOne(2" in BLOCKS[index]:  # seeded: 0.83 on 2 CPU cores here
        assert float(re.search(r"train accuracy ([0-9.]+)", out).group(1)) >= 0.75
    if "export_saved_model" in BLOCKS[index]:
        assert out.strip().endswith("saved_models/quickstart/1")
        _run_shell_block_after(BLOCKS[index], tmp_path)


def _run_shell_block_after(python_block, cwd):
    """The ```bash block that follows the export example queries it: TF-only, saved_model_cli."""
    text = README.read_text()
    shell = re.search(r"```bash\n(.*?)```", text[text.index(python_block):], flags=re.S).group(1)
    bin_dir = pathlib.Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": ""}
    shell = shell.replace('python -c "', 'python -c "import sys; sys.modules[\'keras\'] = None; ')
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", shell], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "[b'K AE T' b'D AO G']" in result.stdout  # the TF-only process
    assert result.stdout.count("K AE T") == 2  # ... and saved_model_cli's outputs
