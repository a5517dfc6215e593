"""`python -m pingan_dev test`: pytest's exit codes, "no tests collected" above all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pingan_dev.testrun import exit_code_of, run_pytest


def test_no_tests_collected_is_a_failure_with_a_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert exit_code_of(5) == 1
    assert "collected no tests" in capsys.readouterr().err


@pytest.mark.parametrize("code", [0, 1, 2, 3, 4])
def test_other_exit_codes_pass_through(code: int) -> None:
    assert exit_code_of(code) == code


def _isolated_project(folder: Path, test_source: str | None) -> list[str]:
    # An ini of its own, so the repository's addopts and plugins stay out of this inner run.
    (folder / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    if test_source is not None:
        (folder / "test_inner.py").write_text(test_source)
    return ["-q", "-c", str(folder / "pytest.ini"), "--rootdir", str(folder), str(folder)]


def test_a_real_run_that_collects_nothing_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_pytest(_isolated_project(tmp_path, None), os.environ, tmp_path)
    assert code == 1
    captured = capsys.readouterr()
    assert "collected no tests" in captured.err
    assert "wall time" in captured.out


def test_a_real_passing_run_exits_zero(tmp_path: Path) -> None:
    args = _isolated_project(tmp_path, "def test_ok():\n    assert 1 + 1 == 2\n")
    assert run_pytest(args, os.environ, tmp_path) == 0
