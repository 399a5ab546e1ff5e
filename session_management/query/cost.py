"""What tokens cost, computed when read: prices from ``genai-prices`` (maintained price data,
cache reads and writes included), or from ``prices:`` in the config for private or renamed models.

Never on the hook path: genai-prices (and pydantic under it) is imported on first use, asked once
per model for its rates, and the rates are kept in the user's cache (``prices-cache.json``) until
the installed price data changes. A session is priced at the rates of its totals, so per-request
long-context tiers are not applied. A model with no known price has no cost (None), never a
made-up number; ``unpriced`` says which they were.
"""

import json
import os
import sys

from ..core.fingerprints import files_fingerprint
from ..store.catalog import user_dir
from ..store import rates as _rates


class Pricer:
    """Prices token totals (see ``query.usage``) per model; remembers the models it could not price."""

    def __init__(self, custom: dict = None):
        self.custom = custom or {}
        self.unpriced = set()
        self._cache = {}

    @classmethod
    def for_project(cls, runtime_dir) -> "Pricer":
        """A pricer with the project's own ``prices:`` from its config (``runtime_dir``: its .claude/runtime)."""
        from ..store import config as _config

        runtime_dir = os.path.normpath(str(runtime_dir))
        config, _problems = _config.load(os.path.dirname(runtime_dir), runtime_dir if os.path.isdir(runtime_dir) else None)
        return cls(config["prices"])

    def cost(self, model: str, totals: dict):
        """USD for these totals of one model, or None if the model's price is unknown."""
        if not totals.get("requests"):
            return 0.0
        rates = self.rates(model)
        return None if rates is None else _rates.cost(rates, totals)

    def rates(self, model: str):
        """USD per million tokens of each of the five kinds (the keys of the config's ``prices:``,
        every one present); None if unknown."""
        if model not in self._cache:
            self._cache[model] = _rates.given(model, self.custom) or _library_rates(model)
        if self._cache[model] is None:
            self.unpriced.add(model)
        return self._cache[model]

    def total(self, by_model: dict):
        """The sum over models, or None if any model with tokens is unpriced."""
        costs = [self.cost(model, totals) for model, totals in by_model.items()]
        return None if any(cost is None for cost in costs) else round(sum(costs), 6)


_PROBE = 1000  # tokens: far below any long-context tier, which applies per request, not per total


def _library_rates(model: str):
    """The model's USD per million tokens of each kind from genai-prices, in the config's
    ``prices:`` shape; None if unknown. Kept in the user's cache per installed genai-prices data:
    importing genai-prices takes about a third of a second, and most commands need only a rate."""
    stamp = _library_stamp()
    if stamp is None:  # an environment built before 0.2 (re-run install.sh to add it)
        return None
    path = _rates.cache_path(user_dir("XDG_CACHE_HOME", ".cache"))
    cache = _rates.read_cache(path)
    if cache.get("library") == stamp and model in cache["models"]:
        return cache["models"][model]
    rates = _ask_library(model)
    from ..file_utils import atomic_write, ensure_private_dir
    from ..store.journal import FlockLock

    try:
        ensure_private_dir(os.path.dirname(path))
        with FlockLock(path + ".lock"):
            cache = _rates.read_cache(path)
            models = cache["models"] if cache.get("library") == stamp else {}
            atomic_write(path, json.dumps({"library": stamp, "models": {**models, model: rates}}, indent=1))
    except OSError:
        pass  # a read-only cache only costs time
    return rates


def _library_stamp():
    """What identifies the installed genai-prices data (its files' sizes and times), found without
    importing it; None if it is not installed. Looked for on ``sys.path`` first (``importlib.util``
    costs a millisecond of a command that needs only a rate), then as the import system finds it."""
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
        return float(calc_price(usage, model, provider_id="anthropic").total_price) * _rates.PER_MILLION / _PROBE

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


def priced(summary: dict, pricer: Pricer) -> dict:
    """A session's usage (``query.usage.summarize``) as people read it: totals, ``by_model`` and
    ``by_agent``, each with ``cost_usd`` (None where a model's price is unknown)."""
    from .usage import total_of

    def with_cost(by_model: dict) -> dict:
        return total_of(by_model) | {"cost_usd": pricer.total(by_model)}

    return with_cost(summary["by_model"]) | {
        "by_model": {model: with_cost({model: totals}) for model, totals in summary["by_model"].items()},
        "by_agent": {agent: with_cost(cells) for agent, cells in summary["cells"].items()},
    }
