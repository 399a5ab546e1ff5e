"""Which redaction rules stored data was redacted with: ``RULES_VERSION`` and its stamp.

``core/redact`` applies the rules and numbers them; with this a folder of stored data
carries a stamp (``redaction.json``: ``{"rules": N}``) and ``doctor`` can say when the data
predates the current rules (``claude-sessions redact`` redacts it again, then stamps it).
"""

import os

from ..core.redact import RULES_VERSION
STAMP = "redaction.json"


def stamped(folder: str) -> int:
    """The rules version the data in ``folder`` was last redacted with (0: never stamped)."""
    from ..core.fastjson import load_file

    found = load_file(os.path.join(folder, STAMP))
    return found["rules"] if isinstance(found, dict) and isinstance(found.get("rules"), int) else 0


def stamp(folder: str) -> None:
    """Record that the data in ``folder`` is redacted with today's rules."""
    from ..file_utils import atomic_write

    atomic_write(os.path.join(folder, STAMP), '{"rules": %d}\n' % RULES_VERSION)


def predates(folder: str, data_glob: str) -> bool:
    """Whether ``folder`` holds data (files matching ``data_glob``) redacted with older rules."""
    import glob

    return stamped(folder) < RULES_VERSION and bool(glob.glob(os.path.join(folder, data_glob)))
