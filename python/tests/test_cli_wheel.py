"""The `deboil-cli` wheel (python/cli): the command installed by pip, and a
pre-commit hook (`language: python`) that installs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES


@pytest.fixture(scope="module")
def cli_wheel() -> Path:
    """$DEBOIL_CLI_WHEEL (python/run_tests.sh builds it; a missing file
    fails), else the test is skipped."""
    path = os.environ.get("DEBOIL_CLI_WHEEL")
    if not path:
        pytest.skip("no deboil-cli wheel: set DEBOIL_CLI_WHEEL (python/run_tests.sh does)")
    if not Path(path).is_file():
        pytest.fail(f"DEBOIL_CLI_WHEEL={path} is not a file")
    return Path(path)


def test_pip_installs_the_command(cli_wheel):
    # run_tests.sh installed the wheel into this venv: the command is a
    # script beside the interpreter.
    script = Path(sys.executable).parent / "deboil"
    assert script.is_file(), "pip installed no deboil script"
    r = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True)
    assert r.stdout.startswith("deboil 0.1.0")
    r = subprocess.run([str(script), "check", "--only", "junk", str(FIXTURES / "syndicated.jsonl")],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "junk/de.cookie-notice" in r.stdout


def test_a_pre_commit_hook_installs_the_wheel(cli_wheel, tmp_path):
    pre_commit = [sys.executable, "-m", "pre_commit"]
    if subprocess.run([*pre_commit, "--version"], capture_output=True).returncode != 0:
        pytest.fail("pre-commit is not installed in the test venv (python/requirements-test.txt)")
    repo = tmp_path / "data"
    repo.mkdir()
    git = shutil.which("git")
    assert git, "git is needed"

    def run(*args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_CONFIG_GLOBAL": os.devnull}
        return subprocess.run(list(args), cwd=repo, capture_output=True, text=True, env=env, timeout=600)

    assert run(git, "init", "-q").returncode == 0
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        "  - repo: local\n"
        "    hooks:\n"
        "      - id: deboil-check\n"
        "        name: deboil check\n"
        "        entry: deboil check --only junk\n"
        "        language: python\n"
        f"        additional_dependencies: ['{cli_wheel}']\n"
        "        files: '\\.(jsonl|txt)$'\n"
    )
    shutil.copy(FIXTURES / "syndicated.jsonl", repo / "news.jsonl")
    (repo / "clean.txt").write_text("A clean article.\n")
    assert run(git, "add", ".").returncode == 0
    r = run(*pre_commit, "run", "--files", "news.jsonl")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "news.jsonl:6: junk/de.cookie-notice" in r.stdout
    r = run(*pre_commit, "run", "--files", "clean.txt")
    assert r.returncode == 0, r.stdout + r.stderr
