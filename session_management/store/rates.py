"""What tokens cost at known rates, and the rates already known, read without genai-prices.

``query.cost`` asks genai-prices (a third of a second to import) once per model and keeps the
answer in the user's cache (``prices-cache.json``); the config's ``prices:`` name others. The
status line and the turn-end budget check price running totals from those two alone, on a budget
of milliseconds: here the formulas and the cache's reading, imported by both.
"""

from ..core import fastos  # not os: the status line prices too (see core.fastos)
from ..core.fastjson import loads
from ..core.tokens import is_request

PER_MILLION = 1_000_000
RATES_CACHE = "prices-cache.json"
NO_COST = dict.fromkeys(("input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok", "cache_write_1h_mtok"), 0.0)


def complete(price: dict) -> dict:
    """A price from the config with every kind given: cache reads and writes default to input,
    1-hour writes to 5-minute ones."""
    write_5m = price.get("cache_write_mtok", price["input_mtok"])
    return {
        "input_mtok": price["input_mtok"],
        "output_mtok": price["output_mtok"],
        "cache_read_mtok": price.get("cache_read_mtok", price["input_mtok"]),
        "cache_write_mtok": write_5m,
        "cache_write_1h_mtok": price.get("cache_write_1h_mtok", write_5m),
    }


def given(model: str, custom: dict):
    """The rates of ``model`` known without a look-up: all 0 for the responses Claude Code makes up
    (``core.tokens.is_request``; totals kept before they were left out may hold some), the config's
    ``prices:`` for a model it names; else None."""
    if not is_request(model):
        return NO_COST
    return complete(custom[model]) if model in custom else None


def cost(rates: dict, totals: dict) -> float:
    """USD for token totals (``core.tokens``) at complete rates."""
    return round(
        (
            totals["input_tokens"] * rates["input_mtok"]
            + totals["output_tokens"] * rates["output_mtok"]
            + totals["cache_read_input_tokens"] * rates["cache_read_mtok"]
            + totals["cache_creation_5m_input_tokens"] * rates["cache_write_mtok"]
            + totals["cache_creation_1h_input_tokens"] * rates["cache_write_1h_mtok"]
        )
        / PER_MILLION,
        6,
    )


def read_cache(path: str) -> dict:
    """The rates cache (``{"library": stamp, "models": {model: rates or None}}``), or {}."""
    try:
        with open(path, "rb") as handle:
            cache = loads(handle.read())
        if isinstance(cache, dict) and isinstance(cache.get("models"), dict):
            return cache
    except (OSError, ValueError):
        pass
    return {}


def cache_path(cache_dir: str) -> str:
    return fastos.join(cache_dir, RATES_CACHE)


def known_total(by_model: dict, custom: dict, cached: dict):
    """USD for ``{model: totals}`` from the config's prices and the cached ones; None if a model
    with requests has neither (genai-prices must be asked: see ``query.cost``)."""
    total = 0.0
    for model, totals in by_model.items():
        if not totals.get("requests"):
            continue
        rates = given(model, custom) or cached.get(model)
        if rates is None:
            return None
        total += cost(rates, totals)
    return round(total, 6)
