"""Token totals as every figure adds them up: the four kinds the API reports, cache writes split
into their 5-minute and 1-hour parts (priced differently), and the number of requests; and which
responses are requests at all (``is_request``). Here, not in ``query``, because the hooks keep
running totals too (``store.tally``)."""

TOKEN_KEYS = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
SPLIT_KEYS = ("ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens")
MAIN = "main"  # the agent name of the main conversation in per-agent figures
SYNTHETIC = "<synthetic>"  # the model of the responses Claude Code writes itself: API errors, interrupts


def is_request(model) -> bool:
    """Whether a response of ``model`` came from the API, a request someone pays for: not one Claude
    Code made up (``<synthetic>``: an API error such as a 429, an interrupt; 0 tokens, no price).
    Made-up responses are neither recorded, counted nor priced (``capture.transcript``, the import,
    ``query.usage``; ``store.rates`` prices any left in older totals at 0)."""
    return model != SYNTHETIC


def empty() -> dict:
    return dict.fromkeys(TOKEN_KEYS, 0) | {"cache_creation_5m_input_tokens": 0, "cache_creation_1h_input_tokens": 0, "requests": 0}


def add(total: dict, usage: dict) -> dict:
    """Add one response's usage to a running total (in place); returns the total."""
    for key in TOKEN_KEYS:
        value = usage.get(key)
        total[key] += value if isinstance(value, int) else 0
    split = usage.get("cache_creation") if isinstance(usage.get("cache_creation"), dict) else {}
    five, hour = (split.get(key) if isinstance(split.get(key), int) else 0 for key in SPLIT_KEYS)
    writes = usage.get("cache_creation_input_tokens") if isinstance(usage.get("cache_creation_input_tokens"), int) else 0
    five += max(writes - five - hour, 0)  # writes the split does not account for: the default 5-minute cache
    total["cache_creation_5m_input_tokens"] += five
    total["cache_creation_1h_input_tokens"] += hour
    total["requests"] += 1
    return total


def all_tokens(totals: dict) -> int:
    """Every token of a total, as ccusage's "total tokens": input, output, cache writes and reads."""
    return totals["input_tokens"] + totals["output_tokens"] + totals["cache_creation_input_tokens"] + totals["cache_read_input_tokens"]


def merge(into: dict, by_model: dict) -> dict:
    """Add ``{model: totals}`` into another such mapping (in place); returns it."""
    for model, totals in by_model.items():
        target = into.setdefault(model, empty())
        for key, value in totals.items():
            target[key] += value
    return into


def text(count: int) -> str:
    """12, 12.3k, 4.56M: token counts at a glance (every view's, as ``present.formats.tokens_text``)."""
    if count < 1000:
        return str(count)
    if count < 1_000_000:
        return f"{count / 1000:.1f}k"
    return f"{count / 1_000_000:.2f}M"
