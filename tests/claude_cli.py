"""Running the real Claude Code CLI in tests: install it from npm, give it a private HOME and a
project wired with our hooks, and point it at the fake API on 127.0.0.1."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
HOOK_ENTRY = REPO / "session_management" / "capture" / "hook.py"
# What a user's project settings already hold before they install: the installer merges into it.
USER_SETTINGS = {
    "$schema": "https://json.schemastore.org/claude-code-settings.json",
    "permissions": {"deny": ["Read(./secrets/**)"]},
}


def install_hooks(project, binary: Path, home: Path = None) -> str:
    """``claude-sessions install PROJECT --claude BINARY`` (``--global`` with ``HOME`` at ``home``
    when ``project`` is None), through the console script, as a user runs it: the events that
    release knows are wired with this interpreter. Returns what it said."""
    script = Path(sys.executable).with_name("claude-sessions")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "session_management"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "ANTHROPIC"))}
    if home is not None:
        env["HOME"] = str(home)
    where = ["--global"] if project is None else [str(project)]
    done = subprocess.run([*command, "install", *where, "--claude", str(binary)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0 and "added tracking hooks" in done.stdout, done.stdout + done.stderr
    return done.stdout
# Pinned so a new release cannot break CI overnight; bump on purpose after re-checking the facts.
CLAUDE_CODE_VERSION = "2.1.332"
# The oldest release we still prove installs work with (it knows 30 hook events, not 34).
CLAUDE_CODE_OLD_VERSION = "2.1.197"


def _cache(version: str) -> Path:
    return REPO / ".cache" / f"claude-code-{version}"


def _binary(version: str):
    if tuple(int(part) for part in version.split(".")[:2]) < (2, 1):  # releases before 2.1 are JavaScript: node runs cli.js
        return _cache(version) / "node_modules" / "@anthropic-ai" / "claude-code" / "cli.js"
    arch = {"x86_64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(os.uname().machine, os.uname().machine)
    return _cache(version) / "node_modules" / "@anthropic-ai" / f"claude-code-linux-{arch}" / "claude"


def claude_binary(version: str = CLAUDE_CODE_VERSION) -> Path:
    """The CLI binary, installed from npm on first use. Skips (or fails under CI=true) if it cannot be."""
    return npm_install(_cache(version), [f"@anthropic-ai/claude-code@{version}"], _binary(version))


def npm_install(folder: Path, packages: list, installed: Path) -> Path:
    """``installed``, after ``npm install``ing ``packages`` into ``folder`` unless it is there. Skips
    (fails under CI=true) if npm is missing or the install fails. ``--prefix`` alone would also move
    npm's global config to ``folder/etc/npmrc``, losing the machine's (its CA file, a registry
    mirror): the real one is named with ``--globalconfig``."""
    if installed.exists():
        return installed
    npm = shutil.which("npm")
    reason = "npm is not installed" if npm is None else None
    if npm:
        folder.mkdir(parents=True, exist_ok=True)
        config = subprocess.run([npm, "config", "get", "globalconfig"], capture_output=True, text=True, timeout=120).stdout.strip()
        result = subprocess.run(
            [npm, "install", "--prefix", str(folder), *(["--globalconfig", config] if config else []), "--no-audit", "--no-fund", *packages],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0 or not installed.exists():
            reason = f"npm install of {' '.join(packages)} failed: {result.stderr[-2000:]}"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (CI=true: end-to-end tests must run)")
        pytest.skip(reason)
    return installed


CCUSAGE_VERSION = "20.0.24"  # a native binary; 20.0.26's native package is not in the registry


def ccusage_command() -> list:
    """``ccusage claude`` (npm), the reference people compare token counts with; installed on
    first use. Append ``session|daily --json --offline`` and run it with ``CLAUDE_CONFIG_DIR``."""
    cache = REPO / ".cache" / f"ccusage-{CCUSAGE_VERSION}"
    script = cache / "node_modules" / ".bin" / "ccusage"
    arch = {"x86_64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(os.uname().machine, os.uname().machine)
    packages = [f"ccusage@{CCUSAGE_VERSION}", f"@ccusage/ccusage-linux-{arch}@{CCUSAGE_VERSION}"]
    return [str(npm_install(cache, packages, script)), "claude"]


def ccusage(config_dir, report: str) -> dict:
    """``ccusage claude REPORT --json --offline --mode calculate`` over one transcript store, days in UTC."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "ANTHROPIC"))}
    env.update(CLAUDE_CONFIG_DIR=str(config_dir), TZ="UTC")
    done = subprocess.run([*ccusage_command(), report, "--json", "--offline", "--mode", "calculate"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


class ClaudeProject:
    """A temp project with the hooks wired in, and a way to run the CLI in it."""

    def __init__(self, root: Path, binary: Path, api_url: str, project_dir: Path = None):
        """Install the hooks into ``root/project dir``, whose settings already hold the user's
        (``USER_SETTINGS``), with ``claude-sessions install`` for ``binary``; or use an already
        installed ``project_dir`` as it is."""
        self.dir = project_dir or root / "project dir"  # a space, on purpose: hook commands must quote paths
        self.home = root / "claude-home"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.home.mkdir(parents=True, exist_ok=True)
        self.binary = binary
        self.api_url = api_url
        if project_dir is None:
            (self.dir / ".claude").mkdir(exist_ok=True)
            (self.dir / ".claude" / "settings.json").write_text(json.dumps(USER_SETTINGS, indent=2))
            install_hooks(self.dir, binary)
        trust = {"hasCompletedOnboarding": True, "projects": {str(self.dir): {"hasTrustDialogAccepted": True}}}
        (self.home / ".claude.json").write_text(json.dumps(trust))

    @property
    def runtime(self) -> Path:
        return self.dir / ".claude" / "runtime"

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "ANTHROPIC", "COV_", "PYTHON"))}
        env.update(
            HOME=str(self.home),
            ANTHROPIC_BASE_URL=self.api_url,
            ANTHROPIC_API_KEY="test-key-not-secret",
            DISABLE_AUTOUPDATER="1",
            CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1",
        )
        return env

    def run(self, *args, timeout=120, check=True, env=None) -> dict:
        """``claude -p … --output-format json``; returns the parsed result (``check``: exit 0 required)."""
        result = subprocess.run(
            [str(self.binary), "-p", *args, "--output-format", "json"],
            cwd=self.dir,
            env=dict(self.env(), **(env or {})),
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        assert result.returncode == 0 or not check, f"claude exited {result.returncode}: {result.stderr[-3000:]}{result.stdout[-2000:]}"
        return json.loads(result.stdout)

    def run_turns(self, prompts, *args, timeout=120) -> list:
        """Several user turns in one process (stream-json); returns the result message of each."""
        process = subprocess.Popen(
            [str(self.binary), "-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose", *args],
            cwd=self.dir,
            env=self.env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        results = []
        try:
            for prompt in prompts:
                message = {"type": "user", "message": {"role": "user", "content": prompt}}
                process.stdin.write(json.dumps(message) + "\n")
                process.stdin.flush()
                for line in process.stdout:
                    if line.strip().startswith("{") and json.loads(line).get("type") == "result":
                        results.append(json.loads(line))
                        break
                else:
                    raise AssertionError(f"claude ended before answering: {process.stderr.read()[-3000:]}")
            process.stdin.close()
            assert process.wait(timeout=timeout) == 0, process.stderr.read()[-3000:]
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        return results

    def session(self, session_id: str) -> dict:
        from session_management import SessionManager

        return SessionManager(str(self.runtime / "sessions")).get_session(session_id).to_dict()

    def log_records(self) -> list:
        path = self.runtime / "logs" / "toolkit.log"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def runtime_text(self) -> str:
        """Every byte written under .claude/runtime, decoded, for secret and size checks."""
        return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in self.runtime.rglob("*") if p.is_file())
