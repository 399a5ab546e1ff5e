# The redactor of commit 0a68bd8 (main before issue 27, 11 patterns), kept verbatim as benchmark 13's
# baseline so the benchmark needs no git history (a shallow clone has none). Not imported by the package.
"""Secret redaction of event data, before anything reaches a file.

Every string in a record (keys included) is scanned, and the value of any key that names a
secret (``password``, ``api_key``, ``token`` …) is replaced whole. Working on values rather than
on JSON text means no pattern has to care about quoting, and the result is always valid JSON.
Each pattern is compiled only when a cheap substring test says it could match: hooks are fresh
processes, and compiling every pattern on every event would cost more than the scan.
"""

import re

_KEYWORDS = (
    r"password|passwd|pwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key"
    r"|private[_-]?key|client[_-]?secret|credentials?"
)

# (name, substrings of which one must occur, pattern, replacement)
BUILTIN_PATTERNS = [
    (
        "private-key",
        ("PRIVATE KEY",),
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)",
        None,
    ),
    ("anthropic-key", ("sk-ant-",), r"sk-ant-[A-Za-z0-9_\-]{16,}", None),
    ("openai-key", ("sk-",), r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}", None),
    ("aws-access-key", ("AKIA", "ASIA", "AGPA", "AIDA", "AROA"), r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b", None),
    ("github-token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"), r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})", None),
    ("slack-token", ("xox",), r"\bxox[abposr]-[A-Za-z0-9-]{10,}", None),
    ("slack-webhook", ("hooks.slack.com",), r"https://hooks\.slack\.com/services/[A-Za-z0-9/_-]+", None),
    ("jwt", ("eyJ",), r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}", None),
    ("bearer", ("bearer",), r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/\-]{12,}=*", r"\1 [REDACTED:bearer]"),
    (
        "assignment",
        ("pass", "pwd", "secret", "token", "key", "credential"),
        r"(?i)(\b[A-Za-z0-9_.\-]*(?:" + _KEYWORDS + r")\b[\"']?\s*[:=]\s*[\"']?)(?!\[REDACTED)([^\s\"',;&}\]]{3,})",
        r"\1[REDACTED:assignment]",
    ),
    ("url-credentials", ("://",), r"\b([a-zA-Z][a-zA-Z0-9+.\-]*://[^/\s:@]+:)([^@\s/]+)@", r"\1[REDACTED:password]@"),
]
_CASE_INSENSITIVE = ("bearer", "assignment")  # their triggers are tested against the lowercased text
_SECRET_KEY = r"(?i)^[A-Za-z0-9_.\-]*(?:" + _KEYWORDS + r")$"
_SECRET_WORDS = ("pass", "pwd", "secret", "token", "key", "credential")  # one of which a secret key's name holds
_KEYS_KEPT = 4096  # keys whose verdicts a redactor remembers

_compiled = {}


def _regex(name: str, source: str):
    regex = _compiled.get(name)
    if regex is None:
        regex = _compiled[name] = re.compile(source)
    return regex


class Redactor:
    """Callable that returns a copy of a JSON-like value with secrets replaced by ``[REDACTED:kind]``.

    A dict key's verdicts (its redacted text, whether it names a secret) are remembered: records
    share a few hundred keys, and an import redacts hundreds of thousands of them."""

    def __init__(self, enabled: bool = True, extra_patterns=()):
        self.enabled = enabled
        self.extra = [re.compile(source) for source in extra_patterns]
        self._keys = {}  # key -> (the key redacted, whether its value is a secret)

    def __call__(self, value):
        if not self.enabled:
            return value
        return self._walk(value)

    def _walk(self, value):
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self._key(key)[0] if isinstance(key, str) else key: self._field(key, item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._walk(item) for item in value]
        return value

    def _field(self, key, item):
        if isinstance(item, (str, int, float)) and not isinstance(item, bool) and isinstance(key, str):
            if self._key(key)[1] and item not in ("", None):
                return "[REDACTED:assignment]"
        return self._walk(item)

    def _key(self, key: str) -> tuple:
        known = self._keys.get(key)
        if known is None:
            lowered = key.lower()
            secret = any(word in lowered for word in _SECRET_WORDS) and _regex("secret-key", _SECRET_KEY).match(key) is not None
            if len(self._keys) >= _KEYS_KEPT:
                self._keys.clear()
            known = self._keys[key] = (self.text(key), secret)
        return known

    def text(self, text: str) -> str:
        lowered = None
        for name, triggers, source, replacement in BUILTIN_PATTERNS:
            if name in _CASE_INSENSITIVE:
                if lowered is None:
                    lowered = text.lower()
                haystack = lowered
            else:
                haystack = text
            for trigger in triggers:  # a loop, not any(): this runs for every string of every record
                if trigger in haystack:
                    text = _regex(name, source).sub(replacement or f"[REDACTED:{name}]", text)
                    break
        for regex in self.extra:
            text = regex.sub("[REDACTED:custom]", text)
        return text
