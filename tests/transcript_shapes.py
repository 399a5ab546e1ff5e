"""Transcripts built by hand in the shapes each Claude Code generation writes (1.0.x: subagents as
``isSidechain`` lines in the main file; 2.0.x: ``agent-<id>.jsonl`` beside the session files;
2.1.x: ``<session>/subagents/agent-<id>.jsonl``, and ``progress`` lines copying a subagent's
responses), with the lines nobody typed: interrupts, slash commands and their expansion, local
command output, task notifications, compaction summaries, ``<synthetic>`` responses.

Field names, order and nesting follow the transcripts the real CLIs wrote (see
../shared/claude-code-facts.md and tests/fixtures/transcripts-2.1.197); compact JSON, as the CLI
writes it and as ccusage requires.
"""

import json
from pathlib import Path

DAY = "2026-11-02"
MODEL = "claude-sonnet-4-5-20250929"


def usage(input_tokens: int, output_tokens: int, cache_write: int = 0, cache_read: int = 0) -> dict:
    return {"input_tokens": input_tokens, "cache_creation_input_tokens": cache_write, "cache_read_input_tokens": cache_read,
            "output_tokens": output_tokens, "service_tier": "standard"}


class Transcript:
    """The lines of one transcript file, each a dict; ``uuid`` and ``parentUuid`` chained as the CLI chains them."""

    def __init__(self, session_id: str, version: str, cwd: str, agent: str = None):
        self.session_id, self.version, self.cwd, self.agent = session_id, version, cwd, agent
        self.lines, self.count, self.last = [], 0, None

    def _line(self, kind: str, sidechain=False, parent="chain", **fields) -> dict:
        self.count += 1
        uuid = f"{self.session_id[:8]}-{self.agent or 'main'}-{self.count:04d}"
        record = {"parentUuid": self.last if parent == "chain" else parent, "isSidechain": bool(sidechain or self.agent),
                  "userType": "external", "cwd": self.cwd, "sessionId": self.session_id, "version": self.version, "gitBranch": "main"}
        if self.agent:
            record["agentId"] = self.agent
        record.update(type=kind, **fields, uuid=uuid, timestamp=f"{DAY}T10:{self.count // 60:02d}:{self.count % 60:02d}.000Z")
        self.lines.append(record)
        self.last = uuid
        return record

    def user(self, content, parent="chain", sidechain=False, **flags) -> dict:
        return self._line("user", sidechain, parent, message={"role": "user", "content": content}, **flags)

    def assistant(self, message_id: str, blocks, tokens: dict, stop="end_turn", sidechain=False, model=MODEL) -> None:
        """One response, written as one line per content block (sharing id, request id and usage)."""
        for block in blocks:
            message = {"id": message_id, "type": "message", "role": "assistant", "model": model, "content": [block],
                       "stop_reason": stop, "stop_sequence": None, "usage": tokens}
            self._line("assistant", sidechain, message=message, requestId="req_" + message_id[4:])

    def tool_result(self, tool_use_id: str, text: str, sidechain=False, result=None) -> dict:
        block = {"tool_use_id": tool_use_id, "type": "tool_result", "content": text}
        return self.user([block], sidechain=sidechain, toolUseResult=result if result is not None else text)

    def command(self, name: str, args: str = "", expansion: str = None) -> None:
        """A slash command as the CLI echoes it, then its expanded text as an ``isMeta`` line."""
        echo = f"<command-message>{name[1:]} is running…</command-message>\n<command-name>{name}</command-name>"
        echo += f"\n<command-args>{args}</command-args>" if args else ""
        self.user(echo)
        if expansion:
            self.user([{"type": "text", "text": expansion}], isMeta=True)

    def progress(self, agent: str, message_id: str, text: str, tokens: dict, prompt: str) -> dict:
        """A subagent's response copied into the main file (2.1.x, ``data.type: agent_progress``)."""
        inner = {"type": "assistant", "timestamp": f"{DAY}T10:{self.count // 60:02d}:{self.count % 60:02d}.500Z", "requestId": "req_" + message_id[4:],
                 "message": {"id": message_id, "type": "message", "role": "assistant", "model": MODEL,
                             "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "usage": tokens},
                 "uuid": f"inner-{message_id}"}
        data = {"message": inner, "normalizedMessages": [], "type": "agent_progress", "prompt": prompt, "agentId": agent}
        return self._line("progress", data=data, toolUseID="agent_msg_" + message_id, parentToolUseID="toolu_task")

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(line, separators=(",", ":"), ensure_ascii=False) + "\n" for line in self.lines))
        return path


def task_call(tool_id: str, prompt: str, kind: str = "general-purpose", name: str = "Task") -> dict:
    return {"type": "tool_use", "id": tool_id, "name": name, "input": {"description": prompt[:20], "prompt": prompt, "subagent_type": kind}}


def text(said: str) -> dict:
    return {"type": "text", "text": said}


def folder_of(store: Path, cwd: str) -> Path:
    return store / "projects" / "".join(c if c.isalnum() else "-" for c in cwd)


# The 2.0.x session's id sorts after its agent file (`agent-…` < `e…`): the agent file is named by the Task call all the same.
S10, S20, S21 = "10000000-0000-4000-8000-000000000010", "e2000000-0000-4000-8000-000000000020", "21000000-0000-4000-8000-000000000021"


def write_store(store: Path, root: str = "/nonexistent/formats") -> dict:
    """One session per generation; returns what a person did in each, as the views should count it."""
    # 1.0.x: two Task subagents as sidechains of the main file, an interrupt, /compact (no boundary line), /init with its expansion
    old = Transcript(S10, "1.0.98", f"{root}/one")
    old.user("fix the parser please")
    old.assistant("msg_10a", [text("Looking."), task_call("toolu_10t1", "find the parser files")], usage(10, 20, 100, 0), stop="tool_use")
    main_tip = old.last
    old.user("find the parser files", parent=None, sidechain=True)
    old.assistant("msg_10s1", [{"type": "tool_use", "id": "toolu_10b", "name": "Bash", "input": {"command": "ls"}}], usage(3, 4, 0, 50), stop="tool_use", sidechain=True)
    old.tool_result("toolu_10b", "parser.py", sidechain=True)
    old.assistant("msg_10s2", [text("parser.py is it.")], usage(5, 6, 0, 60), sidechain=True)
    old.last = main_tip
    old.tool_result("toolu_10t1", "parser.py is it.", result={"content": [text("parser.py is it.")], "totalTokens": 11})
    old.assistant("msg_10b", [task_call("toolu_10t2", "check the tests", kind="tester")], usage(7, 8, 0, 200), stop="tool_use")
    main_tip = old.last
    old.user("check the tests", parent=None, sidechain=True)
    old.assistant("msg_10s3", [text("tests pass.")], usage(2, 3, 0, 40), sidechain=True)
    old.last = main_tip
    old.tool_result("toolu_10t2", "tests pass.")
    old.assistant("msg_10c", [text("Fixed.")], usage(9, 10, 0, 300))
    old.user([text("[Request interrupted by user]")])
    old.user("This session is being continued from a previous conversation.", parent=None, isCompactSummary=True)  # 1.0.x: no boundary line
    old.user("<local-command-caveat>Caveat: The messages below were generated by the user while running local commands.</local-command-caveat>", isMeta=True)
    old.user("<command-name>/compact</command-name>\n            <command-message>compact</command-message>\n            <command-args></command-args>")
    old.user("<local-command-stdout>Compacted (ctrl+r to see full summary)</local-command-stdout>")
    old.command("/init", expansion="Please analyze this codebase and create a CLAUDE.md file")
    old.assistant("msg_10d", [text("Wrote CLAUDE.md.")], usage(11, 12, 0, 400))
    old.user("<local-command-stdout>Set model to opus</local-command-stdout>")
    old.assistant("msg_10e", [text("API Error: 429")], usage(0, 0), model="<synthetic>")
    old.write(folder_of(store, old.cwd) / f"{S10}.jsonl")

    # 2.0.x: a slash command with arguments, a subagent in agent-<id>.jsonl beside the session, an interrupt during a tool
    mid = Transcript(S20, "2.0.28", f"{root}/two")
    mid.command("/review", "42", expansion="Review pull request 42 and list its problems")
    mid.assistant("msg_20a", [task_call("toolu_20t", "read pull request 42", kind="reviewer")], usage(13, 14, 500, 0), stop="tool_use")
    mid.tool_result("toolu_20t", "two problems")
    mid.assistant("msg_20b", [{"type": "tool_use", "id": "toolu_20b", "name": "Bash", "input": {"command": "sleep 100"}}], usage(15, 16, 0, 600), stop="tool_use")
    mid.tool_result("toolu_20b", "The user doesn't want to proceed with this tool use.")
    mid.user([text("[Request interrupted by user for tool use]")])
    mid.user("and now the docs")
    mid.assistant("msg_20c", [text("Docs done.")], usage(17, 18, 0, 700))
    mid.write(folder_of(store, mid.cwd) / f"{S20}.jsonl")
    agent = Transcript(S20, "2.0.28", f"{root}/two", agent="7f3e9a1c")
    agent.user("read pull request 42", parent=None)
    agent.assistant("msg_20s1", [text("two problems")], usage(19, 20, 0, 800))
    agent.write(folder_of(store, mid.cwd) / "agent-7f3e9a1c.jsonl")

    # 2.1.x: a subagent whose own file is gone (only progress copies), a task notification, /compact (a local command) and its summary
    new = Transcript(S21, "2.1.197", f"{root}/three")
    new.user("survey the repo")
    new.assistant("msg_21a", [task_call("toolu_task", "list the modules", name="Agent")], usage(21, 22, 900, 0), stop="tool_use")
    new.progress("a91b2c3d4e5f60718", "msg_21s1", "modules: a, b", usage(23, 24, 0, 1000), "list the modules")
    new.tool_result("toolu_task", "modules: a, b")
    new.assistant("msg_21b", [text("Two modules.")], usage(25, 26, 0, 1100))
    new.user("<task-notification>\n<task-id>b1</task-id>\n<status>completed</status>\n</task-notification>")
    new._line("system", subtype="compact_boundary", content="Conversation compacted", compactMetadata={"trigger": "manual", "preTokens": 5000})
    new.user("This session is being continued from a previous conversation.", isCompactSummary=True, isVisibleInTranscriptOnly=True)
    new.user("<local-command-caveat>Caveat: the messages below were generated by the user while running local commands.</local-command-caveat>", isMeta=True)
    new.user("<command-name>/compact</command-name>\n            <command-message>compact</command-message>\n            <command-args></command-args>")
    new.user("<local-command-stdout>Compacted (ctrl+o to see full summary)</local-command-stdout>")
    new.user("thanks, go on")
    new.assistant("msg_21c", [text("Going on.")], usage(27, 28, 0, 1200))
    new.write(folder_of(store, new.cwd) / f"{S21}.jsonl")

    return {
        S10: {"prompts": ["fix the parser please", "/init"], "local": ["/compact"], "interrupts": 1, "agents": {"general-purpose": "find the parser files", "tester": "check the tests"}},
        S20: {"prompts": ["/review 42", "and now the docs"], "local": [], "interrupts": 1, "agents": {"reviewer": "read pull request 42"}},
        S21: {"prompts": ["survey the repo", "thanks, go on"], "local": ["/compact"], "interrupts": 0, "agents": {}},
    }
