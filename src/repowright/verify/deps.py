"""Third-party requirements: what the code imports versus what the repository declares.

Import names and distribution names differ for many packages (`import yaml` is `pyyaml`);
a curated table covers the common ones, and the host's installed metadata adds the rest.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from repowright.artifacts.blueprint import Blueprint

# import name -> acceptable distributions (the first one is suggested when missing).
IMPORT_TO_DIST: dict[str, tuple[str, ...]] = {
    "sklearn": ("scikit-learn",),
    "cv2": ("opencv-python", "opencv-python-headless", "opencv-contrib-python"),
    "PIL": ("pillow",),
    "yaml": ("pyyaml",),
    "bs4": ("beautifulsoup4",),
    "skimage": ("scikit-image",),
    "attr": ("attrs",),
    "dateutil": ("python-dateutil",),
    "dotenv": ("python-dotenv",),
    "jwt": ("pyjwt",),
    "Crypto": ("pycryptodome", "pycryptodomex"),
    "serial": ("pyserial",),
    "fitz": ("pymupdf",),
    "docx": ("python-docx",),
    "pptx": ("python-pptx",),
    "magic": ("python-magic",),
    "faiss": ("faiss-cpu", "faiss-gpu"),
    "umap": ("umap-learn",),
    "git": ("gitpython",),
    "zmq": ("pyzmq",),
    "OpenSSL": ("pyopenssl",),
    "MySQLdb": ("mysqlclient",),
    "psycopg2": ("psycopg2-binary", "psycopg2"),
    "Bio": ("biopython",),
    "absl": ("absl-py",),
    "mpl_toolkits": ("matplotlib",),
    "google.protobuf": ("protobuf",),
    "ruamel": ("ruamel.yaml",),
    "dns": ("dnspython",),
    "nacl": ("pynacl",),
    "socks": ("pysocks",),
    "slugify": ("python-slugify",),
    "multipart": ("python-multipart",),
    "jose": ("python-jose",),
    "Levenshtein": ("levenshtein", "python-levenshtein"),
    "sentence_transformers": ("sentence-transformers",),
    "huggingface_hub": ("huggingface-hub",),
    "torch_geometric": ("torch-geometric",),
    "tensorflow_datasets": ("tensorflow-datasets",),
    "pkg_resources": ("setuptools",),
    "igraph": ("python-igraph", "igraph"),
    "lightgbm": ("lightgbm",),
    "gymnasium": ("gymnasium",),
}
# Always available where generated code runs: pytest is installed for the tests step.
IMPLICIT = {"pytest", "_pytest", "setuptools", "pip", "pkg_resources"}
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name: str) -> str:
    return canonicalize_name(name)


def is_stdlib(top: str) -> bool:
    return top in sys.stdlib_module_names or top == "__future__"


@cache
def _host_dists() -> Mapping[str, list[str]]:
    try:
        return metadata.packages_distributions()
    except Exception:  # broken metadata on the host must not break verification
        return {}


def candidate_dists(import_name: str) -> tuple[str, ...]:
    """Distributions that may provide `import_name` (dotted names tried before their top)."""
    top = import_name.split(".")[0]
    known = IMPORT_TO_DIST.get(import_name) or IMPORT_TO_DIST.get(top) or ()
    host = tuple(_host_dists().get(top, ()))
    return tuple(dict.fromkeys([*known, *host, top]))


def requirement_name(line: str) -> str | None:
    """The distribution name of one requirements.txt line; None for options and blanks."""
    line = line.split("#", 1)[0].strip()
    if not line or line.startswith("-"):
        return None
    try:
        return Requirement(line).name
    except InvalidRequirement:  # pip accepts looser lines (`torch==2.0+cpu `, URLs): the name
        match = _NAME.match(line)
        return match.group(1) if match else None


def declared_requirements(repo: Path, blueprint: Blueprint | None) -> list[str]:
    """Pip specifiers the repository asks for: requirements*.txt, pyproject, the blueprint."""
    specs: dict[str, str] = {}
    for path in sorted(repo.glob("requirements*.txt")):
        for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if name := requirement_name(raw):
                specs.setdefault(normalize(name), raw.split("#", 1)[0].strip())
    pyproject = repo / "pyproject.toml"
    if pyproject.is_file():
        try:
            deps = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
            for raw in deps.get("dependencies", []):
                if name := requirement_name(str(raw)):
                    specs.setdefault(normalize(name), str(raw))
        except (tomllib.TOMLDecodeError, AttributeError):
            pass
    for pkg in blueprint.environment.packages if blueprint else []:
        if name := requirement_name(pkg.name):
            version = pkg.version.strip()
            if version and version[0].isdigit():
                version = f"=={version}"
            specs.setdefault(normalize(name), f"{pkg.name.strip()}{version}")
    return [specs[k] for k in sorted(specs)]


def missing_distribution(import_name: str, declared: set[str]) -> str | None:
    """The distribution to declare for `import_name`, or None when it is already declared."""
    candidates = candidate_dists(import_name)
    if any(normalize(c) in declared for c in candidates):
        return None
    return candidates[0]
