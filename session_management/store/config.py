"""Optional per-project settings from ``.claude/session-tracking.yaml``.

pyyaml is imported only when the file exists, and its parsed, validated result is cached as
JSON in the runtime directory keyed by the file's mtime and size, so hooks pay for YAML once
per edit of the file, not once per event. Problems never stop tracking: each bad value is
reported and its default used.
"""

from ..core import fastos  # not os: the status line reads the config (see core.fastos)
from ..core.fastjson import loads

CONFIG_NAME = "session-tracking.yaml"
CACHE_NAME = "config-cache.json"

DEFAULTS = {
    "timeout_seconds": 3600,  # inactivity after which a session counts as timed out
    "max_field_bytes": 16384,  # cap for each stored event field (prompt, tool_input, tool_response …)
    "redact": True,  # replace secrets with [REDACTED:kind]
    "redact_patterns": [],  # extra regular expressions to redact
    "redact_off": [],  # secret families not redacted in this project (say, a test fixture's fake keys)
    "archive_on": "stop",  # "stop": archive after every turn; "session_end": only when the session ends
    "retention_days": None,  # delete archived sessions older than this (None: keep forever)
    "log_max_bytes": 10 * 1024 * 1024,  # rotate toolkit.log past this size (0: never)
    "log_backup_count": 3,
    "prices": {},  # USD per million tokens for models genai-prices does not know: {model: {input_mtok, output_mtok, …}}
    "events": {},  # hook events switched on or off against the defaults, e.g. {PreToolUse: true}; read at install
    "otlp": None,  # ship sessions as OpenTelemetry traces: {endpoint, headers, ship_on, prompts, …} (see OTLP_KEYS)
    "statusline": {},  # what `claude-sessions statusline` shows: {parts: [...], color: auto|always|never} (see STATUSLINE_KEYS)
    "budget": {},  # USD limits {session: 5, day: 20} and quota ones {five_hour_percent: 80, seven_day_percent: 90}, warn: false, enforce: false (see BUDGET_KEYS)
}
STATUSLINE_PARTS = ("model", "session", "tools", "today", "limits", "budget")
_DOLLARS = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0  # noqa: E731
STATUSLINE_KEYS = {
    "parts": lambda v: isinstance(v, list) and all(part in STATUSLINE_PARTS for part in v),
    "color": lambda v: v in ("auto", "always", "never"),
}
_PERCENT = lambda v: _DOLLARS(v) and v <= 100  # noqa: E731
BUDGET_KEYS = {"session": _DOLLARS, "day": _DOLLARS, "five_hour_percent": _PERCENT, "seven_day_percent": _PERCENT,
               "warn": lambda v: isinstance(v, bool), "enforce": lambda v: isinstance(v, bool)}
# The otlp: mapping's keys and what each accepts.
OTLP_KEYS = {
    "endpoint": lambda v: isinstance(v, str) and v.startswith(("http://", "https://")),
    "headers": lambda v: isinstance(v, dict) and all(isinstance(k, str) and isinstance(x, str) for k, x in v.items()),
    "ship_on": lambda v: v in ("stop", "session_end", "manual"),
    "timeout": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0,
    "project": lambda v: isinstance(v, str) and bool(v),
    "resource_attributes": lambda v: isinstance(v, dict) and all(isinstance(k, str) for k in v),
    **{switch: lambda v: isinstance(v, bool) for switch in ("prompts", "responses", "tool_inputs", "tool_outputs", "identity")},
}
_CHOICES = {"archive_on": ("stop", "session_end")}


def _valid(key, value) -> bool:
    default = DEFAULTS[key]
    if key in _CHOICES:
        return value in _CHOICES[key]
    if key == "redact":
        return isinstance(value, bool)
    if key == "redact_off":
        return isinstance(value, list) and all(isinstance(name, str) for name in value)
    if key == "redact_patterns":
        return isinstance(value, list) and all(isinstance(p, str) for p in value)
    if key == "prices":
        return isinstance(value, dict) and all(isinstance(model, str) and _valid_price(price) for model, price in value.items())
    if key == "events":
        return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, bool) for k, v in value.items())
    if key in ("statusline", "budget"):
        known = STATUSLINE_KEYS if key == "statusline" else BUDGET_KEYS
        return isinstance(value, dict) and all(k in known and known[k](v) for k, v in value.items())
    if key == "otlp":
        return value is None or (isinstance(value, dict) and all(k in OTLP_KEYS and OTLP_KEYS[k](v) for k, v in value.items()))
    if key == "retention_days":
        return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0)
    if isinstance(default, int):
        minimum = 0 if key in ("log_max_bytes", "log_backup_count") else 1
        return isinstance(value, int) and not isinstance(value, bool) and value >= minimum
    return False


_PRICE_KEYS = ("input_mtok", "output_mtok", "cache_write_mtok", "cache_write_1h_mtok", "cache_read_mtok")


def _valid_price(price) -> bool:
    """One model's price: numbers per million tokens; input and output required."""
    return (
        isinstance(price, dict)
        and {"input_mtok", "output_mtok"} <= set(price) <= set(_PRICE_KEYS)
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in price.values())
    )


def validate(raw) -> tuple:
    """``(config, problems)``: every valid key of ``raw`` over the defaults, and what was wrong."""
    config = dict(DEFAULTS)
    problems = []
    if raw is None:
        return config, problems
    if not isinstance(raw, dict):
        return config, [f"expected a mapping of settings, got {type(raw).__name__}; using defaults"]
    for key, value in raw.items():
        if key not in DEFAULTS:
            problems.append(f"unknown setting {key!r} ignored (known: {', '.join(DEFAULTS)})")
        elif not _valid(key, value):
            problems.append(f"invalid value {value!r} for {key!r}; using the default {DEFAULTS[key]!r}")
        else:
            config[key] = value
    import re

    good_patterns = []
    for pattern in config["redact_patterns"]:
        try:
            re.compile(pattern)
            good_patterns.append(pattern)
        except re.error as exc:
            problems.append(f"redact pattern {pattern!r} is not a valid regular expression ({exc}); skipped")
    config["redact_patterns"] = good_patterns
    return config, problems


def load(claude_dir: str, runtime_dir) -> tuple:
    """``(config, problems)`` for a project whose ``.claude`` directory is ``claude_dir``, the
    parsed file cached in ``runtime_dir`` (None: a project without hooks, where nothing is written)."""
    path = fastos.join(claude_dir, CONFIG_NAME)
    try:
        info = fastos.stat(path)
    except FileNotFoundError:
        return dict(DEFAULTS), []
    except OSError as exc:
        return dict(DEFAULTS), [f"cannot read {path}: {exc}; using defaults"]
    key = [info.st_mtime_ns, info.st_size]
    if runtime_dir is None:
        return parse_file(path)
    cache = fastos.join(runtime_dir, CACHE_NAME)
    try:
        with open(cache, "rb") as handle:
            cached = loads(handle.read())
        if cached.get("key") == key and cached.get("path") == path:
            return {**DEFAULTS, **cached["config"]}, cached["problems"]  # a cache from before a new setting lacks it
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        pass
    config, problems = parse_file(path)
    try:
        from ..file_utils import atomic_write, dumps, ensure_private_dir

        ensure_private_dir(runtime_dir)
        atomic_write(cache, dumps({"path": path, "key": key, "config": config, "problems": problems}))
    except OSError:
        pass  # a cache that cannot be written only costs speed
    return config, problems


def parse_file(path: str) -> tuple:
    """Parse and validate one YAML settings file."""
    from ..core.sitepackages import enable_site_packages

    enable_site_packages()
    try:
        import yaml
    except ImportError:
        return dict(DEFAULTS), [f"pyyaml is not installed, so {path} was not read; using defaults"]

    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        return dict(DEFAULTS), [f"{path} is not valid YAML ({exc}); using defaults"]
    config, problems = validate(raw)
    return config, [f"{path}: {problem}" for problem in problems]
