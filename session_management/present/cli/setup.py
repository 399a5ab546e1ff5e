"""Setting up and checking: ``doctor``, ``install``, ``uninstall``, ``statusline`` (what Claude Code runs), ``demo``."""

import os
import sys

from .common import CliError, check_writable
from .options import Option, command, read_arguments


@command("doctor", "check an installation: hooks wired, commands runnable, runtime writable, config valid",
         Option("--json", action="store_true", help="print the checks as JSON"))
def cmd_doctor(args) -> int:
    from ..doctor import run_checks

    problems = run_checks(args.runtime_dir, args.json)
    return 1 if problems else 0


def install_target(verb: str) -> tuple:
    """The project ``install`` and ``uninstall`` act on: a folder, or every project (``--global``)."""
    return (Option("project_dir", nargs="?", metavar="PROJECT_DIR", help=f"the project to {verb} (default: the current directory)"),
            Option("--global", dest="global_", action="store_true", help=f"{verb} every project: ~/.claude/settings.json instead (each project recorded in its own .claude/runtime/)"))


@command("install", "wire the tracking hooks into a project's .claude/settings.json (this interpreter and package run them)",
         *install_target("track"),
         Option("--uninstall", action="store_true", help="remove exactly this tool's hook entries (recorded sessions are kept); also: claude-sessions uninstall"),
         Option("--claude", metavar="PATH", help="the Claude Code CLI whose --version decides which events are wired (default: claude on PATH)"),
         Option("--otlp", action="store_true", help="also give the hooks' interpreter the otlp extra (OpenTelemetry export): "
                "with pipx inject or uv pip for a pipx/uv tool install; otherwise it prints the one command to run (exit 1)"),
         Option("--statusline", action="store_true", help="also make `claude-sessions statusline` Claude Code's status line (with --uninstall: remove only it)"),
         Option("--force", action="store_true", help="with --statusline: replace a status line another tool set (the settings file is backed up first)"))
def cmd_install(args) -> int:
    from ...install.settings import SettingsError
    from ...install.wiring import install

    if args.otlp and args.uninstall:
        raise CliError("--otlp adds the OpenTelemetry exporter when installing; it does not go with --uninstall", 2)
    try:
        lines = install(args.project_dir, args.global_, args.uninstall, claude=args.claude, statusline=args.statusline, force=args.force)
    except ValueError as exc:
        raise CliError(str(exc), 2) from None
    except (NotADirectoryError, SettingsError) as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"cannot write the settings file: {exc}") from None
    ready = True
    if args.otlp:
        from ...install.extras import add_otlp

        ready, more = add_otlp(sys.executable, sys.prefix)  # the interpreter the hooks were just wired to
        lines += more
    print("\n".join(lines))
    return 0 if ready else 1


command("uninstall", "take exactly this tool's hook entries out of a project's settings (install --uninstall; recorded sessions are kept)",
        *install_target("stop tracking"),
        Option("--statusline", action="store_true", help="remove only our status line"),
        defaults={"uninstall": True, "otlp": False, "claude": None, "force": False})(cmd_install)


@command("statusline", "Claude Code's status line: reads its JSON on stdin, prints model, this session's tokens, cost and tool calls, today's spend, limits, budget")
def cmd_statusline(args) -> int:
    from ..statusline import main as statusline_main

    return statusline_main()


@command("demo", "replay a recorded Claude Code session through the real hooks and show the result",
         Option("-o", "--output", metavar="FILE", help="where to write the HTML report (default: session-report.html in the demo project)"))
def cmd_demo(args) -> int:
    from ..demo import demo_home, demo_project, replay
    from .export import cmd_export
    from .sessions import cmd_show

    if args.output:
        check_writable(args.output)
    with demo_project() as project:  # the previous demo's project is removed: one at a time
        project, session_id = replay(project)
        runtime = str(project / ".claude" / "runtime")
        print(file=sys.stderr)
        report = args.output or str(project / "session-report.html")
        with demo_home(project):  # the user's catalog, index and caches stay as they were
            cmd_show(read_arguments(cmd_show, ["--runtime-dir", runtime, session_id]))  # as a person would run them
            cmd_export(read_arguments(cmd_export, ["--runtime-dir", runtime, session_id, "--format", "html", "-o", report]))
    program = sys.argv[0] if os.path.basename(sys.argv[0]) == "claude-sessions" else f"{sys.executable} -m session_management"
    print(f"\nThe demo project stays in {project} until the next demo; look around with:\n  {program} --runtime-dir {runtime} list", file=sys.stderr)
    return 0
