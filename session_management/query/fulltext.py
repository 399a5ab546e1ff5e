"""Full text for the search index: what an entry's text is, how a query is read, how a hit is shown.

An entry's text is the text a person saw: its prompt, answer, tool name, and every string inside
a tool's input and response, one line per line (never their JSON, whose ``\\n`` escapes glue
words together). A query is read into terms: ``"quoted phrases"`` and words, all of which must
match. A term of three characters or more matches anywhere, inside identifiers, paths and text
written without spaces (SQLite FTS5's trigram tokenizer); a shorter one matches a whole word
(``go``, ``v2``; ``go*`` as a prefix), or, written in a script without spaces (``東京``), any
part of the text, by a scan. A hit is shown as its matching line with the line before and after,
the matches marked ``«…»``.
"""

import re

# The detail fields that hold text a person would search for.
TEXT_FIELDS = ("prompt", "text", "tool_name", "tool_input", "tool_response", "error", "last_assistant_message",
               "compact_summary", "reason", "message")
TRIGRAM = 3  # the shortest term the trigram index can find
_LINE_WIDTH = 160  # a snippet line longer than this is cut around its match


def entry_text(entry: dict) -> str:
    """The searchable text of one activity entry: every string of its text fields, nested ones
    (a tool's input and response) included, each on its own lines. Half an emoji (a lone
    surrogate, which JavaScript writes and JSON keeps) becomes U+FFFD: SQLite takes only UTF-8."""
    details = entry.get("details") if isinstance(entry.get("details"), dict) else {}
    parts = []
    for key in TEXT_FIELDS:
        _strings(details.get(key), parts)
    text = "\n".join(parts)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def _strings(value, into: list) -> None:
    """Every non-empty string inside ``value`` (dict values, list items), in order; keys, numbers
    and booleans are structure, not text a person read."""
    if isinstance(value, str):
        if value.strip():
            into.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, into)
    elif isinstance(value, list):
        for item in value:
            _strings(item, into)


class Query:
    """A query read into terms. ``grams``: an FTS5 expression for the trigram index (terms of three
    characters or more, as substrings); ``words``: one for the word index (shorter terms, whole
    words or prefixes); ``scans``: short terms in scripts without spaces, for a LIKE scan."""

    def __init__(self, text: str):
        terms = re.findall(r'"([^"]*)"|(\S+)', text)
        grams, words, self.scans, marks = [], [], [], []
        for phrase, word in terms:
            term = phrase if phrase else word
            prefix = not phrase and term.endswith("*") and len(term) > 1
            term = term.rstrip("*") if prefix else term
            if not term.strip():
                continue
            if len(term) >= TRIGRAM:
                grams.append(_quoted(term))
                marks.append(re.escape(term))
            elif term.isascii():
                if not re.search(r"\w", term):
                    continue  # punctuation alone is no word
                words.append(_quoted(term) + ("*" if prefix else ""))
                marks.append(r"\b" + re.escape(term) + (r"\w*" if prefix else r"\b"))
            else:
                self.scans.append("%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
                marks.append(re.escape(term))
        if not marks:
            raise ValueError(f"nothing to search for in {text!r}: give a word, a \"phrase\", or a part of one")
        self.grams = " ".join(grams)
        self.words = " ".join(words)
        self.terms = [re.compile(mark, re.IGNORECASE) for mark in marks]
        self.marks = re.compile("|".join(sorted(marks, key=len, reverse=True)), re.IGNORECASE)

    def snippet(self, text: str) -> str:
        """The line of ``text`` that matches the most terms (the first of those), with the line
        before and after, matches marked ``«…»``; long lines cut around their match."""
        lines = text.split("\n")
        score, found = max(((sum(1 for term in self.terms if term.search(line)), -n) for n, line in enumerate(lines)), default=(0, 0))
        found = -found
        if not score:  # a phrase across lines: show the start
            return _cut(lines[0], None)
        shown = lines[max(found - 1, 0): found + 2]
        return "\n".join(self._marked(_cut(line, self.marks.search(line))) for line in shown)

    def _marked(self, line: str) -> str:
        return self.marks.sub(lambda match: f"«{match.group(0)}»", line)


def _quoted(term: str) -> str:
    """An FTS5 string: any text taken literally (``--no-verify``, ``a/b.py``, ``'yaml'``)."""
    return '"' + term.replace('"', '""') + '"'


def _cut(line: str, match) -> str:
    """``line``, or the ``_LINE_WIDTH`` characters of it around ``match``, with ``…`` where cut."""
    line = line.rstrip()
    if len(line) <= _LINE_WIDTH:
        return line
    start = max(0, min((match.start() if match else 0) - _LINE_WIDTH // 3, len(line) - _LINE_WIDTH))
    return ("…" if start else "") + line[start:start + _LINE_WIDTH] + ("…" if start + _LINE_WIDTH < len(line) else "")
