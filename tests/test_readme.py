"""The README's ten-line Python example runs as written, in a fresh directory beside a copy of seeds/."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.slow


def readme_example() -> str:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Python\n") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]


def test_the_ten_line_example_runs(tmp_path: Path) -> None:
    code = readme_example()
    lines = [line for line in code.splitlines() if line.strip()]
    assert len(lines) <= 10, lines
    shutil.copytree(SEEDS, tmp_path / "seeds")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()
    assert any("Russia launches biggest" in line for line in printed[:3])  # the citations of the passages
    assert "550" in result.stdout and "[1]" in result.stdout
    assert re.search(r"\[\('[0-9a-f]{16}', \d+, \d+\)", printed[-1])  # article id and the quote's span
    assert (tmp_path / "my-index" / "CURRENT").exists()
