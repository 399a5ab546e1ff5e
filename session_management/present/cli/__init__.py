"""claude-sessions: install the tracking hooks, and look at the sessions they record under .claude/runtime/.

Exit status: 0 ok, 1 not found or nothing to do, 2 usage error. Errors are one line on stderr. An
empty answer (nothing tracked yet, nothing matches) is one line on stderr and exit 1; with ``--json``
it is the empty result on stdout and exit 0.

One module per family of commands, each declaring its commands' options beside their handlers
(``options.command``): ``sessions`` (list, show, tail, stats, projects), ``search``, ``history``
(import, index), ``usage``, ``serve``, ``export``, ``limits``, ``upkeep`` (cleanup, redact) and
``setup`` (doctor, install, uninstall, statusline, demo), over ``common`` (what every command
shares) and ``options`` (how a command is declared, read by argparse and by the quick reading).
A family is imported only when one of its commands runs, or for argparse.
"""

import sys

from ... import __version__
from .common import CliError


FAMILIES = ("sessions", "search", "history", "usage", "serve", "export", "limits", "upkeep", "setup")  # --help lists their commands in this order

# The hot commands, read without argparse (see quick_args): the family that declares each, and the
# options read so (None: every one); a line with any other option goes to argparse.
QUICK = {"search": ("search", None), "list": ("sessions", None), "usage": ("usage", None), "import": ("history", ("--json",))}


def family_module(name: str):
    """The family module ``name``, imported now: by ``__import__``, not importlib, so that
    ``-X importtime`` lists it with the rest of a command's start-up."""
    __import__(f"{__name__}.{name}")
    return sys.modules[f"{__name__}.{name}"]


def build_parser():
    import argparse

    from .options import add_command, declared

    class Parser(argparse.ArgumentParser):
        def error(self, message):
            """A usage error in one line, as every error is: the message, then this command's usage."""
            self.exit(2, f"{self.prog}: error: {message}; {' '.join(self.format_usage().split())}\n")

    parser = Parser(
        prog="claude-sessions",
        description="Record Claude Code sessions under .claude/runtime/ (install), look at them (list, show, tail, stats, usage), across projects (search, projects, serve), and send them elsewhere (export).",
        epilog="Exit status: 0 ok, 1 not found or nothing to do, 2 usage error. An empty answer (nothing tracked yet, "
        "nothing matches) says so in one line on stderr and exits 1; with --json it prints the empty result and exits 0.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--runtime-dir", metavar="DIR", help="the .claude/runtime directory to read (default: the nearest one above the current directory)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    parser.command_parsers = commands.choices  # parse_args shows an unknown option with its command's usage
    for family in FAMILIES:
        for declaration in declared(family_module(family)):
            add_command(commands, declaration, argparse)
    return parser


def quick_args(argv):
    """The arguments of a plain ``search``, ``list``, ``usage`` or ``import`` command line, read
    without building the whole parser (importing argparse and building every command's parser is a
    third of a search's start-up, more than usage across projects takes to answer, and most of an
    import that finds nothing new), from the options its family declares, that family alone
    imported; None for anything else (help, a mistake, another command), which argparse then reads."""
    command = argv[0] if argv else None
    if command not in QUICK:
        return None
    from .options import declared, quick_reading

    family, flags = QUICK[command]
    (declaration,) = [d for d in declared(family_module(family)) if d.name == command]
    return quick_reading(declaration, argv[1:], flags)


def parse_args(argv):
    """argparse's reading of ``argv``; an unknown option is a usage error shown with the usage of
    the command it was given to, not the top level's."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        parser.command_parsers[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = quick_args(argv) or parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"claude-sessions: {exc}", file=sys.stderr)
        return exc.code
    except BrokenPipeError:
        return 0
