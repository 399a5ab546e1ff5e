"""What the person typed: one reading of a prompt, shared by the import of transcripts
(``importer``), the hook's ``UserPromptSubmit`` (``dispatch``) and the turn-end harvest (``harvest``),
so a session counts the same prompts however it was recorded.

Claude Code writes much into ``user`` lines that nobody typed, in every release since 1.0: tool
results, the marks an Escape leaves ("[Request interrupted by user]", "… for tool use]"),
background-task notices (``<task-notification>``, 2.0.x's ``<bash-notification>``), a local command's output
(``<local-command-stdout>``, ``-stderr``) and its caveat (``<local-command-caveat>``), compaction
summaries (``isCompactSummary``), ``isMeta`` lines (among them a slash command's expanded text) and
a subagent's lines (``isSidechain``). A slash command is recorded as the command the person typed
(``/review 42``): from the echo ``<command-name>/review</command-name>…<command-args>42</command-args>``
in a transcript, or as the hook receives it, the text itself. A command the CLI runs itself
(``/compact``, ``/model``, ``/exit``: its echo is followed by ``<local-command-stdout>``) fires no
``UserPromptSubmit`` and sends nothing to Claude: the import records it, but not as a prompt.

Standard library only, no imports at all: the hook path loads it.
"""

PROMPT, COMMAND, INTERRUPT = "prompt", "command", "interrupt"
INTERRUPTED = "[Request interrupted by user"  # "…]" after Escape while it answered, "… for tool use]" during a tool call
NOTICES = ("<task-notification>", "<bash-notification>")  # a background task's notice (2.1.x; 2.0.x)
# Text the CLI puts in a user line itself: local command output, background-task notices, bash mode, memory notes.
INJECTED = ("<local-command-stdout>", "<local-command-stderr>", "<local-command-caveat>", *NOTICES,
            "<user-memory-input>", "<bash-input>", "<bash-stdout>", "<bash-stderr>", "<system-reminder>")
_COMMAND_TAGS = ("<command-name>", "<command-message>", "<command-args>")
LOCAL_OUTPUT = ("<local-command-stdout>", "<local-command-stderr>")  # what follows a command the CLI ran itself


def read_text(text):
    """``(kind, details)`` of a prompt's text, or None when nobody typed it. Kinds: ``PROMPT``
    (``{"prompt"}``), ``COMMAND`` (``{"prompt": "/review 42", "command": "/review", "args": "42"}``)
    and ``INTERRUPT`` (``{"for_tool_use": bool}``)."""
    if not isinstance(text, str) or not text.strip():
        return None
    stripped = text.lstrip()
    if stripped.startswith(INTERRUPTED):
        return INTERRUPT, {"for_tool_use": "for tool use" in stripped[: len(INTERRUPTED) + 20]}
    if stripped.startswith(_COMMAND_TAGS):
        return _echoed_command(stripped)
    if stripped.startswith(INJECTED):
        return None
    if stripped.startswith("/") and len(stripped) > 1 and not stripped[1].isspace() and "/" not in stripped.split(None, 1)[0][1:]:
        name, _, args = stripped.partition(" ")
        return COMMAND, _command(name, args)  # typed, as UserPromptSubmit carries it (a path such as /usr/bin is not a command)
    return PROMPT, {"prompt": text}


def read_line(line: dict):
    """``(kind, details)`` of a transcript's ``user`` line as a person's prompt, or None: tool
    results, ``isMeta``, ``isCompactSummary``, sidechain lines and injected text are not prompts
    (the importer reads a subagent's lines and the compaction summary on their own)."""
    if line.get("isSidechain") or line.get("isMeta") or line.get("isCompactSummary") or line.get("isVisibleInTranscriptOnly"):
        return None
    message = line.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, list) and any(isinstance(b, dict) and b.get("type") == "tool_result" for b in content):
        return None
    return read_text(text_of(content))


def sidechain_of(line: dict, chains: dict, earlier=None) -> str:
    """The subagent of a 1.0.x ``isSidechain`` line in a main transcript, named by the uuid of its
    chain's first line (the Task's prompt, whose ``parentUuid`` is null): found by following
    ``parentUuid`` through ``chains`` (uuid -> subagent, updated here), else ``earlier(parent)``
    (what an earlier read kept), else the line starts a chain of its own."""
    parent, uuid = line.get("parentUuid"), line.get("uuid")
    agent = chains.get(parent) if isinstance(parent, str) else None
    if agent is None and isinstance(parent, str) and earlier is not None:
        agent = earlier(parent)
    if agent is None:
        agent = str(uuid)
    if isinstance(uuid, str):
        chains[uuid] = agent
    return agent


def text_of(content) -> str:
    """The text of a user message's content: a string, or its text blocks joined."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(b["text"] for b in content if isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str))
    return ""


def _echoed_command(text: str):
    name = _between(text, "<command-name>", "</command-name>").strip()
    if not name:
        return None  # a command's "is running…" message without its name: nothing to record
    if not name.startswith("/"):
        name = "/" + name  # 1.0.x echoed some without the slash
    return COMMAND, _command(name, _between(text, "<command-args>", "</command-args>"))


def _command(name: str, args: str) -> dict:
    args = args.strip()
    details = {"prompt": f"{name} {args}".rstrip(), "command": name}
    if args:
        details["args"] = args
    return details


def _between(text: str, start: str, end: str) -> str:
    begin = text.find(start)
    if begin < 0:
        return ""
    begin += len(start)
    stop = text.find(end, begin)
    return text[begin:] if stop < 0 else text[begin:stop]
