"""How a command is declared, once, for both readers of a command line: its name, help, handler
and options (``command``, ``Option``, ``Group``), kept as the arguments of argparse's own calls.
``add_command`` gives them to argparse; ``quick_reading`` reads a plain line of a hot command from
the same declaration without argparse (importing argparse and building every command's parser
costs more than a search takes to answer). Nothing imported at module level: a declaration is data.
"""

_DECLARED: dict = {}  # module name -> its commands, in the order they were declared (the order --help lists them)


class Option:
    """One ``add_argument`` call: its flags (or positional name) and its settings."""

    def __init__(self, *flags: str, **settings):
        self.flags, self.settings = flags, settings

    @property
    def positional(self) -> bool:
        return not self.flags[0].startswith("-")

    @property
    def dest(self) -> str:
        """The attribute argparse stores the value in: ``dest=``, else the first long flag's name."""
        long = next((flag for flag in self.flags if flag.startswith("--")), self.flags[0])
        return self.settings.get("dest") or long.lstrip("-").replace("-", "_")

    @property
    def kind(self):
        """How ``quick_reading`` takes the value: ``bool`` (a switch), a tuple of the choices, or a converter."""
        if self.settings.get("action") == "store_true":
            return bool
        if "choices" in self.settings:
            return tuple(self.settings["choices"])
        return self.settings.get("type", str)

    @property
    def default(self):
        return self.settings.get("default", False if self.settings.get("action") == "store_true" else None)


class Group:
    """An argument group (``add_argument_group``): a titled part of ``--help`` and its options."""

    def __init__(self, title: str, description: str, *options: Option):
        self.title, self.description, self.options = title, description, options


class Command:
    """One command: its name, one line of help, its handler, options and groups, and the extras some take."""

    def __init__(self, name, help_text, func, items, epilog=None, defaults=None):
        self.name, self.help, self.func, self.items, self.epilog, self.defaults = name, help_text, func, items, epilog, defaults

    def options(self) -> list:
        """Every option, those of its groups included."""
        return [opt for item in self.items for opt in (item.options if isinstance(item, Group) else (item,))]


def command(name: str, help_text: str, *items, epilog: str | None = None, defaults: dict | None = None):
    """Declare the decorated function as the handler of command ``name``, with its options. A
    module's commands are listed by ``--help`` in the order they are declared; a handler may serve
    two commands (``command(...)(handler)`` again, with other ``defaults``)."""

    def register(func):
        _DECLARED.setdefault(func.__module__, []).append(Command(name, help_text, func, items, epilog, defaults))
        return func

    return register


def declared(module) -> list:
    """The commands ``module`` declares, in order."""
    return _DECLARED.get(module.__name__, [])


def positive_int(text: str) -> int:
    """A count such as ``--limit``: a whole number of at least 1 (ValueError otherwise, which
    ``quick_reading`` leaves to argparse, and argparse reports as a usage error)."""
    number = int(text)
    if number < 1:
        raise ValueError(text)
    return number


def add_command(commands, declaration: Command, argparse) -> None:
    """Add ``declaration`` to argparse's ``commands`` (the subparsers), with every option; each
    command also takes the top level's ``--runtime-dir`` after its name (not shown in its help)."""

    def at_least_one(text):
        try:
            return positive_int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r}: give a whole number, 1 or more") from None

    def add(target, opt):
        settings = {**opt.settings, "type": at_least_one} if opt.settings.get("type") is positive_int else opt.settings
        target.add_argument(*opt.flags, **settings)

    sub = commands.add_parser(declaration.name, help=declaration.help, description=declaration.help)
    sub.set_defaults(func=declaration.func)
    sub.add_argument("--runtime-dir", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    if declaration.epilog:
        sub.formatter_class, sub.epilog = argparse.RawDescriptionHelpFormatter, declaration.epilog
    for item in declaration.items:
        if isinstance(item, Group):
            part = sub.add_argument_group(item.title, item.description)
            for opt in item.options:
                add(part, opt)
        else:
            add(sub, item)
    if declaration.defaults:
        sub.set_defaults(**declaration.defaults)


def read_arguments(func, argv):
    """``argv`` (what follows the command's name) read by argparse as the command whose handler is
    ``func`` reads it: for a command that runs another (the demo runs ``show`` and ``export``)
    without going back through the dispatcher that imported it."""
    import argparse

    [declaration] = [each for commands in _DECLARED.values() for each in commands if each.func is func][:1]
    parser = argparse.ArgumentParser(prog="claude-sessions")
    add_command(parser.add_subparsers(dest="command"), declaration, argparse)
    return parser.parse_args([declaration.name, *argv])


def quick_reading(declaration: Command, argv, flags=None):
    """The arguments of a plain line of ``declaration``'s command (``argv``: what follows its name),
    as argparse would give them, read with the options its declaration names (``flags``: only
    these; None: all, and ``--runtime-dir``); None for anything else (help, a mistake, an option
    left to argparse), which argparse then reads. Its one positional, if any, takes one word or
    more (``nargs="+"``); a command without one takes none."""
    values, kinds, positional = {"runtime_dir": None}, {}, None  # --runtime-dir's default is the top level's
    for opt in declaration.options():
        if opt.positional:
            positional = opt.dest
            continue
        values[opt.dest] = opt.default
        kinds.update((flag, opt) for flag in opt.flags if flags is None or flag in flags)
    if flags is None:
        kinds["--runtime-dir"] = Option("--runtime-dir")
    words, items, words_only = [], iter(argv), False
    for item in items:
        if words_only or not item.startswith("-"):
            words.append(item)
            continue
        if item == "--":
            words_only = True
            continue
        name, has_value, value = item.partition("=")
        opt = kinds.get(name)
        if opt is None:
            return None
        kind = opt.kind
        if kind is bool and has_value:
            return None
        if kind is not bool and not has_value:
            value = next(items, None)
            if value is None:
                return None
        try:
            value = True if kind is bool else kind(value) if callable(kind) else value
        except ValueError:
            return None
        if isinstance(kind, tuple) and value not in kind:
            return None
        values[opt.dest] = value
    if positional:
        if not words:
            return None
        values[positional] = words
    elif words or words_only:
        return None  # only a command with a positional takes words: argparse says so
    from types import SimpleNamespace

    return SimpleNamespace(**values, func=declaration.func, command=declaration.name)
