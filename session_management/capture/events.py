"""Every Claude Code hook event: the action it is recorded as, whether it is wired by default
(and why not), and which Claude Code releases send it.

The installer wires from this table; the dispatcher names actions from it. Standard library only,
and no imports at all: the hook path loads it on every event.
"""

# Recorded under these names since 0.1; every other event as its name in snake_case.
_ACTIONS = {
    "SessionStart": "session_start",
    "UserPromptSubmit": "user_input",
    "PostToolUse": "tool_use",
    "PostToolUseFailure": "tool_failure",
    "SubagentStart": "subagent_start",
    "SubagentStop": "subagent_stop",
    "PreCompact": "compaction",
    "Stop": "turn_end",
    "SessionEnd": "session_end",
}

# The 34 events of Claude Code 2.1.332, in the order its documentation lists them.
ALL_EVENTS = (
    "PreToolUse", "PostToolUse", "PostToolUseFailure", "PostToolBatch", "Notification",
    "UserPromptSubmit", "UserPromptExpansion", "SessionStart", "SessionEnd", "Stop", "StopFailure",
    "SubagentStart", "SubagentStop", "PreCompact", "PostCompact", "PreModelSwitch", "PostModelSwitch",
    "PermissionRequest", "PermissionDenied", "Setup", "TeammateIdle", "TaskCreated", "TaskCompleted",
    "Elicitation", "ElicitationResult", "ConfigChange", "WorktreeCreate", "WorktreeRemove",
    "InstructionsLoaded", "CwdChanged", "FileChanged", "DirectoryAdded", "MessageDisplay",
    "PreSkillShellCommand",
)
# Observed: 2.1.197 sends all but these; 2.1.332 sends all 34. Releases older than 2.1.197 get
# only the nine events wired since 0.1, which every release we know of sends.
NEW_IN_2_1_332 = frozenset({"DirectoryAdded", "PreModelSwitch", "PostModelSwitch", "PreSkillShellCommand"})
ORIGINAL = frozenset(_ACTIONS)

# Registering a hook for these changes what Claude Code does, so they are never wired: recording
# must not change behaviour.
NEVER = {
    "WorktreeCreate": "a command hook replaces git's worktree creation (it must create the worktree and print its path)",
    "Elicitation": "a hook can answer an MCP server's question for the user; not yet proven harmless in the real CLI",
    "ElicitationResult": "a hook can change the user's answer to an MCP server; not yet proven harmless in the real CLI",
    "ConfigChange": "a hook can block a settings change; not yet proven harmless in the real CLI",
}
# Off unless switched on in the config (``events: {PreToolUse: true}``): each costs a hook process
# and tells nothing the default events do not.
OFF_BY_DEFAULT = {
    "PreToolUse": "duplicates PostToolUse/PostToolUseFailure, which carry the same input plus the result; it can also block",
    "PostToolBatch": "duplicates the tool events it follows",
    "MessageDisplay": "fires per displayed message chunk; the assistant's text is harvested from the transcript",
    "FileChanged": "fires for every change to a watched file; noisy, and the edits are in the tool events",
    "PreModelSwitch": "duplicates PostModelSwitch (which also sees fallbacks and resumes); it can also deny a switch",
    "PreSkillShellCommand": "duplicates the Bash tool events; it can also block",
}
# Events whose hooks take a tool-name matcher.
TOOL_EVENTS = frozenset({"PreToolUse", "PostToolUse", "PostToolUseFailure", "PermissionRequest", "PermissionDenied"})
# Events after which the turn is over: the session is archived and the transcript read.
TURN_ENDS = frozenset({"Stop", "StopFailure"})
# In one-shot ``claude -p`` the StopFailure hook is sent SIGTERM about 12 ms after it starts
# (the CLI is exiting); its command ignores SIGTERM, SIGHUP and SIGINT so the record is written.
SURVIVES_SHUTDOWN = frozenset({"StopFailure"})
# Events after which the transcripts are read for the assistant's responses and their tokens.
HARVEST_EVENTS = frozenset({"Stop", "StopFailure", "SubagentStop", "SessionEnd"})
# Events that run long (archive, transcript harvest) get 30 s; the rest 10 s.
_SLOW = frozenset({"SessionStart", "Stop", "StopFailure", "SubagentStop", "SessionEnd"})


def action_for(event: str) -> str:
    """The activity-log action of an event: its 0.1 name, or the event in snake_case."""
    action = _ACTIONS.get(event)
    if action is None:
        action = "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(event))
    return action


def known_to(version) -> frozenset:
    """The events a Claude Code release (a tuple like ``(2, 1, 332)``, or None if unknown) sends."""
    if version is None or version < (2, 1, 197):
        return ORIGINAL
    if version < (2, 1, 332):
        return frozenset(ALL_EVENTS) - NEW_IN_2_1_332
    return frozenset(ALL_EVENTS)


def to_wire(version, switched: dict) -> list:
    """Events to wire for a release: the default ones it knows, plus those the config switches on,
    minus those it switches off; never a ``NEVER`` event. In ``ALL_EVENTS`` order."""
    known = known_to(version)
    wanted = []
    for event in ALL_EVENTS:
        on = switched.get(event, event not in OFF_BY_DEFAULT)
        if on and event in known and event not in NEVER:
            wanted.append(event)
    return wanted


def matcher_and_timeout(event: str) -> tuple:
    return ("*" if event in TOOL_EVENTS else None), (30 if event in _SLOW else 10)
