"""Derive secret samples from gitleaks' rule sources (its ``cmd/generate/config/rules/*.go``).

Usage: ``python bench/gitleaks_samples.py RULES_DIR COMMIT > tests/fixtures/gitleaks_samples.json``

For each rule: the secrets its true positives hold (a literal test line's secret is what gitleaks'
own regex captures in it; a generated one, ``secrets.NewSecret(regex)``, is drawn from that regex
with a fixed seed), the service its samples name, and its false-positive strings. Nothing of
gitleaks is kept but these samples; the Go is read as text and never run.
"""

import json
import random
import re
import re._parser as sre_parse
import sys
from pathlib import Path

_rng = random.Random(27)


_WORD = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def generate(pattern: str, rng=_rng) -> str:
    """A random string that ``pattern`` matches: repeats near their minimum, optional parts and
    lookarounds left out (also what the tests use to draw a value of each of our families)."""
    return "".join(_emit(sre_parse.parse(pattern), rng))


def _emit(items, rng):
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            yield chr(arg)
        elif name in ("IN", "CATEGORY", "ANY"):
            yield rng.choice(_chars(arg if name == "IN" else [(op, arg)]))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            for _ in range(low if high == 1 else rng.randint(low, min(high, low + 8))):
                yield from _emit(sub, rng)
        elif name == "SUBPATTERN":
            yield from _emit(arg[-1], rng)
        elif name == "BRANCH":
            yield from _emit(rng.choice(arg[1]), rng)


def _chars(items) -> str:
    chars = ""
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            chars += chr(arg)
        elif name == "RANGE":
            chars += "".join(chr(c) for c in range(arg[0], arg[1] + 1))
        elif name == "CATEGORY":
            chars += {"CATEGORY_DIGIT": "0123456789", "CATEGORY_SPACE": " "}.get(str(arg), _WORD)
        elif name == "NEGATE":
            return _WORD
    return chars or _WORD


def python_regex(go: str) -> str:
    """gitleaks' RE2 syntax as Python's (global flags first, ``\\z``, POSIX classes)."""
    python = go.replace(r"\z", r"\Z")
    for posix, ranges in (("[:alnum:]", "a-zA-Z0-9"), ("[:alpha:]", "a-zA-Z"), ("[:digit:]", "0-9"), ("[:xdigit:]", "0-9a-fA-F"),
                          ("[:upper:]", "A-Z"), ("[:lower:]", "a-z"), ("[:space:]", r"\s"), ("[:punct:]", r"!-/:-@\[-`{-~")):
        python = python.replace(posix, ranges)
    if "(?i)" in python[1:]:
        python = "(?i)" + python.replace("(?i)", "")
    return python


# gitleaks' helpers, as functions of the evaluated Go expressions
def _sample(identifier, secret):
    return {"service": identifier, "secret": secret}


_NAMESPACE = {
    "Numeric": lambda n: f"[0-9]{{{n}}}",
    "Hex": lambda n: f"[a-f0-9]{{{n}}}",
    "AlphaNumeric": lambda n: f"[a-z0-9]{{{n}}}",
    "AlphaNumericExtendedShort": lambda n: f"[a-z0-9_-]{{{n}}}",
    "AlphaNumericExtended": lambda n: f"[a-z0-9=_\\-]{{{n}}}",
    "AlphaNumericExtendedLong": lambda n: f"[a-z0-9\\/=_\\+\\-]{{{n}}}",
    "Hex8_4_4_4_12": lambda: r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    "NewSecret": generate,
    "GenerateSampleSecret": _sample,
    "GenerateSampleSecrets": lambda identifier, secret: [_sample(identifier, secret)],
    "GenerateSemiGenericRegex": lambda ids, secret, insensitive=False: (
        ("(?i)" if insensitive else "") + r"[\w.-]{0,50}?(?i:[\w.-]{0,50}?(?:" + "|".join(ids)
        + r")(?:[ \t\w.-]{0,20})[\s'\"]{0,3})(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'\"\s=]{0,5}(" + secret + r")(?:[\x60'\"\s;]|\\[nr]|$)"),
    "GenerateUniqueTokenRegex": lambda secret, insensitive=False: ("(?i)" if insensitive else "") + r"\b(" + secret + r")(?:[\x60'\"\s;]|\\[nr]|$)",
    "MustCompile": lambda source: source,
    "Sprintf": lambda fmt, *args: re.sub(r"%[sdvq]", "{}", fmt.replace("{", "{{").replace("}", "}}")).format(*args),
    "Repeat": lambda text, n: text * n,
    "append": lambda base, *items: list(base or []) + [x for item in items for x in (item if isinstance(item, list) else [item])],
    "true": True, "false": False, "nil": None,
}


def _python_expr(go: str) -> str:
    """A Go expression of literals, helper calls, ``+`` and ``[]string{…}`` as Python."""
    out, i = [], 0
    while i < len(go):
        c = go[i]
        if c == "`":
            end = go.index("`", i + 1)
            out.append(repr(go[i + 1:end]))
            i = end + 1
        elif c == '"':
            j = i + 1
            while go[j] != '"':
                j += 2 if go[j] == "\\" else 1
            out.append(repr(json.loads(go[i:j + 1].replace(r"\x60", "`").replace("\\'", "'"))))
            i = j + 1
        elif go.startswith("//", i):
            i = go.find("\n", i) if "\n" in go[i:] else len(go)
        else:
            out.append(c)
            i += 1
    text = "".join(out)
    text = re.sub(r"\b(?:utils|secrets|regexp|fmt|strings)\.", "", text)
    text = re.sub(r"\[\]string\{", "[", text)
    text = re.sub(r"\.\.\.", "", text)
    return _close_lists(text)


def _close_lists(text):
    """``[a, b}`` (from ``[]string{a, b}``) closed as ``[a, b]``, strings left alone."""
    out, stack, quote = [], [], None
    for c in text:
        if quote:
            quote = None if c == quote and (not out or out[-1] != "\\") else quote
        elif c in "'\"":
            quote = c
        elif c in "[({":
            stack.append(c)
        elif c in "])}":
            opener = stack.pop() if stack else ""
            c = "]" if opener == "[" else c
        out.append(c)
    return "".join(out)


def _balanced(text: str, start: int) -> str:
    """The text from ``start`` to the end of the expression that begins there."""
    depth, i, quote = 0, start, None
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                quote = None
        elif c in "`\"":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                return text[start:i]
            depth -= 1
        elif c in ",\n" and depth == 0:
            if not text[start:i].rstrip().endswith("+"):
                return text[start:i]
        i += 1
    return text[start:]


def _eval(go: str, names: dict):
    try:
        return eval(_python_expr(go), {"__builtins__": {}}, names)
    except Exception:
        return None


def rules(folder: Path):
    """Every rule's samples, from the Go sources in ``folder``."""
    found = {}
    for path in sorted(folder.glob("*.go")):
        source = path.read_text()
        names = dict(_NAMESPACE)
        for match in re.finditer(r"(?m)^\s*(?:var|const)?\s*(\w+)\s*:?=\s*", source):
            value = _eval(_balanced(source, match.end()), names)
            if isinstance(value, str):
                names[match.group(1)] = value
        for body in re.split(r"(?m)^func ", source)[1:]:
            rule = re.search(r'RuleID:\s*"([^"]+)"', body)
            regex = re.search(r"\bRegex:\s*", body)
            if not rule:
                continue
            local = dict(names)
            for match in re.finditer(r"(?m)^\s*(\w+)\s*:?=\s*", body):
                if match.group(1) not in ("tps", "fps", "r"):
                    value = _eval(_balanced(body, match.end()), local)
                    if isinstance(value, str):
                        local[match.group(1)] = value
            pattern = _eval(_balanced(body, regex.end()), local) if regex else None
            try:
                compiled = re.compile(python_regex(pattern)) if isinstance(pattern, str) else None
            except re.error:
                compiled = None
            tps, fps = [], []
            for match in re.finditer(r"(?m)^\s*(tps|fps)\s*(?::=|=)\s*", body):
                value = _eval(_balanced(body, match.end()), local)
                items = value if isinstance(value, list) else [value]
                for item in items:
                    if match.group(1) == "fps":
                        if isinstance(item, dict):  # gitleaks' GenerateSampleSecret line
                            item = f'{item["service"]}_api_token = "{item["secret"]}"'
                        if isinstance(item, str):
                            fps.append(item)
                    elif isinstance(item, dict):
                        tps.append(item)
                    elif isinstance(item, list):
                        tps.extend(x for x in item if isinstance(x, dict))
                    elif isinstance(item, str):
                        tps.append({"service": "", "secret": _secret_of(item, compiled)})
            service = next((t["service"] for t in tps if t["service"]), rule.group(1).split("-")[0])
            found[rule.group(1)] = {
                "service": service,
                "tps": [t["secret"] for t in tps if t["secret"]][:4],
                "unread": sum(1 for t in tps if not t["secret"]),
                "fps": fps,
            }
    return found


def _secret_of(line: str, compiled):
    """What gitleaks' regex captures in one of its literal test lines (its first non-empty group)."""
    match = compiled.search(line) if compiled else None
    if match is None:
        return None  # gitleaks' regex, as Python reads it, does not find it: left out
    whole = match.group(0)
    longest = max((group for group in match.groups() if group), key=len, default=whole)
    return (longest if len(longest) >= 8 else whole).strip().strip("\"'")


if __name__ == "__main__":
    folder, commit = Path(sys.argv[1]), sys.argv[2]
    found = rules(folder)
    print(json.dumps({"source": f"gitleaks/gitleaks@{commit} cmd/generate/config/rules/*.go (samples derived by bench/gitleaks_samples.py)",
                      "rules": found}, indent=0, sort_keys=True, ensure_ascii=False))
