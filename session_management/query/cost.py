"""What tokens cost, computed when read: prices from ``genai-prices`` (maintained price data,
cache reads and writes included), or from ``prices:`` in the config for private or renamed models.

Never on the hook path: genai-prices (and pydantic under it) is imported on first use, asked once
per model for its rates, and the rates are kept in the user's cache (``prices-cache.json``) until
the installed price data changes. A session is priced at the rates of its totals, so per-request
long-context tiers are not applied. A model with no known price has no cost (None), never a
made-up number; ``unpriced`` says which they were.
"""

import os

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


def _library_rates(model: str):
    """The model's rates from genai-prices, kept in the user's cache (``store.rates.library_rates``)."""
    return _rates.library_rates(model, user_dir("XDG_CACHE_HOME", ".cache"))


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
