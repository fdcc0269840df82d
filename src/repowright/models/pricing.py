"""Cost of a call from the price table shipped as package data (`prices.toml`)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources

from repowright.models.base import Usage


@dataclass
class PriceTable:
    models: dict[str, tuple[float, float]]
    free_prefixes: tuple[str, ...] = ()
    _warned: set[str] = field(default_factory=set)

    @classmethod
    def default(cls) -> PriceTable:
        text = resources.files("repowright.models").joinpath("prices.toml").read_text("utf-8")
        data = tomllib.loads(text)
        models = {k: (float(v[0]), float(v[1])) for k, v in data["models"].items()}
        return cls(models=models, free_prefixes=tuple(data.get("free", {}).get("prefixes", [])))

    def with_price(self, model: str, prompt: float, completion: float) -> PriceTable:
        """A copy that prices `model` exactly (USD per million prompt/completion tokens)."""
        models = {**self.models, model: (prompt, completion)}
        return PriceTable(models=models, free_prefixes=self.free_prefixes)

    def lookup(self, model: str) -> tuple[float, float] | None:
        """Per-1M-token prices for `model` (provider prefix and OpenRouter vendor stripped)."""
        if model.startswith(self.free_prefixes):
            return (0.0, 0.0)
        if model in self.models:
            return self.models[model]
        bare = model.split(":", 1)[-1].rsplit("/", 1)[-1].split("#")[-1]
        if bare in self.models:
            return self.models[bare]
        matches = [k for k in self.models if bare.startswith(k)]
        return self.models[max(matches, key=len)] if matches else None

    def cost(self, model: str, usage: Usage) -> float | None:
        price = self.lookup(model)
        if price is None:
            return None
        return (usage.prompt_tokens * price[0] + usage.completion_tokens * price[1]) / 1_000_000

    def first_unknown(self, model: str) -> bool:
        """True the first time an unpriced model is seen, so the warning is shown once."""
        if self.lookup(model) is not None or model in self._warned:
            return False
        self._warned.add(model)
        return True


def price_table(price: str | None, model_name: str) -> PriceTable:
    """The default table, with `price` ("IN,OUT" USD per million tokens, if given) for
    `model_name`, the model in use."""
    table = PriceTable.default()
    if price:
        prompt, completion = (float(v) for v in price.split(","))
        table = table.with_price(model_name, prompt, completion)
    return table
