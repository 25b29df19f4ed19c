"""Schemathesis fuzzes every operation of the OpenAPI schema against a real server: no 5xx, ever.

Run through its command line (its pytest plugin does not load under this pytest), with and without the token,
so writes and refusals are both exercised; a fixed seed makes a failure reproducible.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.api.conftest import TOKEN, Served

pytestmark = pytest.mark.slow
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.mark.parametrize("authorized", [True, False], ids=["with-token", "without-token"])
def test_no_input_makes_the_server_fail(api_factory: Callable[..., Served], authorized: bool) -> None:
    served = api_factory(max_body_bytes=200_000)
    command = [
        str(SCHEMATHESIS), "run", f"{served.url}/openapi.json",
        "--checks", "not_a_server_error",
        "--max-examples", "30",
        "--seed", "7",
        "--request-timeout", "60",
        "--workers", "1",
        "--generation-database", "none",
    ]  # fmt: skip
    if authorized:
        command += ["--header", f"Authorization: Bearer {TOKEN}"]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_COLOR": "1"},
        cwd=served.index.directory,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    summary = result.stdout[result.stdout.rfind("Test cases:") :]
    assert re.search(r"\d+ passed", summary) and "failed" not in summary, summary
