"""What tokens cost, computed when read: prices from ``genai-prices`` (maintained price data,
cache reads and writes included), or from ``prices:`` in the config for private or renamed models.

Never on the hook path: genai-prices (and pydantic under it) is imported on first use. A model with
no known price has no cost (None), never a made-up number; ``unpriced`` says which they were.
"""

import os

_PER_MILLION = 1_000_000


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
        config, _problems = _config.load(os.path.dirname(runtime_dir), runtime_dir)
        return cls(config["prices"])

    def cost(self, model: str, totals: dict):
        """USD for these totals of one model, or None if the model's price is unknown."""
        if not totals.get("requests"):
            return 0.0
        if model in self.custom:
            return _custom_cost(self.custom[model], totals)
        key = (model, tuple(sorted(totals.items())))
        if key not in self._cache:
            self._cache[key] = self._library_cost(model, totals)
        if self._cache[key] is None:
            self.unpriced.add(model)
        return self._cache[key]

    def total(self, by_model: dict):
        """The sum over models, or None if any model with tokens is unpriced."""
        costs = [self.cost(model, totals) for model, totals in by_model.items()]
        return None if any(cost is None for cost in costs) else round(sum(costs), 6)

    @staticmethod
    def _library_cost(model: str, totals: dict):
        try:
            from genai_prices import Usage, calc_price
        except ImportError:  # an environment built before 0.2 (re-run install.sh to add it)
            return None

        writes = totals["cache_creation_input_tokens"]
        usage = Usage(
            # genai-prices' input_tokens means every input token, cache reads and writes included
            input_tokens=totals["input_tokens"] + writes + totals["cache_read_input_tokens"],
            cache_read_tokens=totals["cache_read_input_tokens"],
            cache_write_tokens=writes,
            cache_write_5m_tokens=totals["cache_creation_5m_input_tokens"],
            cache_write_1h_tokens=totals["cache_creation_1h_input_tokens"],
            output_tokens=totals["output_tokens"],
        )
        try:
            return float(calc_price(usage, model, provider_id="anthropic").total_price)
        except LookupError:
            return None


def _custom_cost(price: dict, totals: dict) -> float:
    """A price from the config: USD per million tokens of each kind (1-hour writes default to 5-minute)."""
    write_5m = price.get("cache_write_mtok", price["input_mtok"])
    write_1h = price.get("cache_write_1h_mtok", write_5m)
    return round(
        (
            totals["input_tokens"] * price["input_mtok"]
            + totals["output_tokens"] * price["output_mtok"]
            + totals["cache_read_input_tokens"] * price.get("cache_read_mtok", price["input_mtok"])
            + totals["cache_creation_5m_input_tokens"] * write_5m
            + totals["cache_creation_1h_input_tokens"] * write_1h
        )
        / _PER_MILLION,
        6,
    )


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
