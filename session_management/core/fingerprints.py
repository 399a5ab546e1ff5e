"""How a cache tells that its sources changed: the size and mtime of each file. Here, not in
``query.summaries`` (its main user), so pricing can check genai-prices' data without importing
what summarizing sessions needs."""

import os


def files_fingerprint(paths) -> list:
    """Size and mtime of each path (None if missing): changes whenever one of the files does."""
    prints = []
    for path in paths:
        try:
            info = os.stat(path)
            prints.append([info.st_size, info.st_mtime_ns])
        except OSError:
            prints.append(None)
    return prints
