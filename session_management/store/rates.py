"""What tokens cost at known rates, and the rates already known, read without genai-prices.

``library_rates`` asks genai-prices (a third of a second to import) once per model and keeps the
answer in the user's cache (``prices-cache.json``), for ``query.cost`` and for the turn-end budget
check meeting a model for the first time; the config's ``prices:`` name others. The
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


_PROBE = 1000  # tokens: far below any long-context tier, which applies per request, not per total


def library_rates(model: str, cache_dir: str):
    """The model's USD per million tokens of each kind from genai-prices, in the config's
    ``prices:`` shape; None if unknown. Kept in the user's cache per installed genai-prices data:
    importing genai-prices takes about a third of a second, and most callers need only a rate.
    genai-prices must be importable (``core.sitepackages`` on the hook path)."""
    import json
    import os

    stamp = _library_stamp()
    if stamp is None:  # an environment built before 0.2 (re-run install.sh to add it)
        return None
    path = cache_path(cache_dir)
    cache = read_cache(path)
    if cache.get("library") == stamp and model in cache["models"]:
        return cache["models"][model]
    rates = _ask_library(model)
    from ..file_utils import atomic_write, ensure_private_dir
    from .journal import FlockLock

    try:
        ensure_private_dir(os.path.dirname(path))
        with FlockLock(path + ".lock"):
            cache = read_cache(path)
            models = cache["models"] if cache.get("library") == stamp else {}
            atomic_write(path, json.dumps({"library": stamp, "models": {**models, model: rates}}, indent=1))
    except OSError:
        pass  # a read-only cache only costs time
    return rates


def _library_stamp():
    """What identifies the installed genai-prices data (its files' sizes and times), found without
    importing it; None if it is not installed. Looked for on ``sys.path`` first (``importlib.util``
    costs a millisecond of a command that needs only a rate), then as the import system finds it."""
    import os
    import sys

    from ..core.fingerprints import files_fingerprint

    origin = next((path for path in (os.path.join(entry or ".", "genai_prices", "__init__.py") for entry in sys.path)
                   if os.path.isfile(path)), None)
    if origin is None:
        import importlib.util

        spec = importlib.util.find_spec("genai_prices")
        if spec is None or not spec.origin:
            return None
        origin = spec.origin
    return files_fingerprint([origin, os.path.join(os.path.dirname(origin), "data.py")])


def _ask_library(model: str):
    from genai_prices import Usage, calc_price

    def price(input_tokens=_PROBE, **tokens) -> float:
        # genai-prices' input_tokens means every input token, cache reads and writes included
        usage = Usage(input_tokens=input_tokens, **tokens)
        return float(calc_price(usage, model, provider_id="anthropic").total_price) * PER_MILLION / _PROBE

    try:
        return {
            "input_mtok": price(),
            "output_mtok": price(input_tokens=0, output_tokens=_PROBE),
            "cache_read_mtok": price(cache_read_tokens=_PROBE),
            "cache_write_mtok": price(cache_write_tokens=_PROBE, cache_write_5m_tokens=_PROBE),
            "cache_write_1h_mtok": price(cache_write_tokens=_PROBE, cache_write_1h_tokens=_PROBE),
        }
    except LookupError:
        return None
