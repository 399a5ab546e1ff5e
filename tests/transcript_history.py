"""A Claude Code history written by the real CLI, with no hooks installed: two projects, a
subagent, a --resume, a --fork-session, a /compact, a failing tool and a planted secret; then
(``resume_with_hooks``) the hooks installed in one project and a pre-install session resumed there.

Every run has its own fake API; replies carry distinct token counts (cache writes of both
lifetimes, cache reads) so that a token total proves which responses were counted.
"""

import json
from pathlib import Path

from claude_cli import ClaudeProject, claude_binary, install_hooks
from fake_api import FakeAnthropic, text, tools


SECRET = "sk-ant-api03-" + "Zx9" * 12  # a planted Anthropic key: must never reach our files
PLANTED = "quetzalcoatlus"  # a word typed before the install, to be found by search


def usage(input_tokens, output_tokens, cache_write_5m=0, cache_write_1h=0, cache_read=0):
    """A usage block as the API reports it, cache writes split by lifetime."""
    return {"input_tokens": input_tokens, "output_tokens": output_tokens, "cache_read_input_tokens": cache_read,
            "cache_creation_input_tokens": cache_write_5m + cache_write_1h,
            "cache_creation": {"ephemeral_5m_input_tokens": cache_write_5m, "ephemeral_1h_input_tokens": cache_write_1h}}


class History:
    """One Claude Code home (``home/.claude``) shared by two projects, run by one CLI release."""

    def __init__(self, root: Path, version: str):
        self.root = root
        self.version = version
        self.binary = claude_binary(version)
        self.home = root / "claude-home"
        self.hooked = root / "alpha project"  # gets the hooks later
        self.plain = root / "beta"  # never gets them
        self.sessions = {}

    @property
    def config_dir(self) -> Path:
        return self.home / ".claude"

    def project(self, folder: Path, api) -> ClaudeProject:
        project = ClaudeProject(self.root, self.binary, api.url, project_dir=folder)
        trust = {"hasCompletedOnboarding": True, "projects": {str(p): {"hasTrustDialogAccepted": True} for p in (self.hooked, self.plain)}}
        (self.home / ".claude.json").write_text(json.dumps(trust))
        return project

    def run(self, folder: Path, script, *args, routes=None, turns=None) -> list:
        folder.mkdir(parents=True, exist_ok=True)
        with FakeAnthropic(script, routes) as api:
            project = self.project(folder, api)
            if turns:
                return project.run_turns(turns, *args)
            return [project.run(*args)]

    def write(self) -> "History":
        """The pre-install history."""
        # alpha: a tool call, a failing tool, a secret and a planted word; then /compact in the same process
        first = self.run(self.hooked, [
            tools(("Bash", {"command": "echo alpha-one"}), say="Running it.", usage=usage(11, 21, cache_write_5m=3000, cache_write_1h=1000)),
            tools(("Bash", {"command": "echo broken; exit 3"}), usage=usage(12, 22, cache_read=4000)),
            text(f"Done with {PLANTED}.", usage=usage(13, 23, cache_read=4100)),
            text("The conversation so far, summarised.", usage=usage(14, 24, cache_read=4200)),
        ], "--allowedTools", "Bash", turns=[f"remember {PLANTED} and my key {SECRET}", "/compact"])
        self.sessions["compacted"] = first[0]["session_id"]
        # alpha: a --resume of it, in a new process
        self.run(self.hooked, [text("Resumed alpha.", usage=usage(15, 25, cache_read=4300))],
                 "--resume", self.sessions["compacted"], "go on please")
        # alpha: a --fork-session of it: the fork's file starts with copies of the parent's lines
        fork = self.run(self.hooked, [text("Forked alpha.", usage=usage(16, 26, cache_read=4400))],
                        "--resume", self.sessions["compacted"], "--fork-session", "try another way")
        self.sessions["fork"] = fork[0]["session_id"]
        # beta: a subagent with its own tool call
        agent_input = {"description": "count", "prompt": "count the files please", "subagent_type": "general-purpose"}
        routes = {"count the files please": [tools(("Bash", {"command": "ls | wc -l"}), usage=usage(17, 27, cache_write_1h=2000)),
                                             text("2", usage=usage(18, 28, cache_read=2000))]}
        beta = self.run(self.plain, [
            tools(("Agent", agent_input), say="Delegating.", usage=usage(19, 29, cache_write_5m=5000)),
            text("Started the count.", usage=usage(20, 30, cache_read=5000)),
            text("There are two files.", usage=usage(21, 31, cache_read=5100), model="claude-haiku-4-5"),
        ], "how many files here?", "--allowedTools", "Bash Agent", routes=routes)
        self.sessions["subagent"] = beta[0]["session_id"]
        # alpha: one more session, to be resumed once the hooks are in
        later = self.run(self.hooked, [text("A plain answer.", usage=usage(22, 32, cache_write_5m=700))], "a short question")
        self.sessions["to_resume"] = later[0]["session_id"]
        return self

    def resume_with_hooks(self) -> str:
        """Install the hooks in the alpha project (with ``claude-sessions install``) and resume a pre-install session there."""
        install_hooks(self.hooked, self.binary)
        self.run(self.hooked, [tools(("Bash", {"command": "echo after-install"}), usage=usage(23, 33, cache_read=700)),
                               text("After the install.", usage=usage(24, 34, cache_read=800))],
                 "--resume", self.sessions["to_resume"], "and after the install?", "--allowedTools", "Bash")
        return self.sessions["to_resume"]

    def transcripts(self) -> list:
        return sorted(self.config_dir.glob("projects/**/*.jsonl"))
