"""The JSON Schemas (draft 2020-12) shipped in the package: the manifest and the JSON artifacts.

They live as data files in ``tradingview_scraper/schemas/<name>.schema.json`` so an editor or
another tool can use them without Python; ``tv-meta schema NAME`` prints one. The manifest schema
is checked against the Python validator by tests (``tests/test_schemas.py``), and the artifact
schemas against every golden case's artifacts.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ..errors import ArtifactFormatError

__all__ = ["ARTIFACT_SCHEMAS", "SCHEMA_NAMES", "load_schema", "schema_text"]

# the JSON artifact families of a meta run folder (DESIGN 4), by file-name prefix
ARTIFACT_SCHEMAS: tuple[str, ...] = (
    "meta_cluster_tree",
    "meta_manifest",
    "meta_optimized",
    "portfolio_optimized_meta",
)
SCHEMA_NAMES: tuple[str, ...] = ("manifest", *ARTIFACT_SCHEMAS)


def schema_text(name: str) -> str:
    """The schema file's text, exactly as shipped."""
    if name not in SCHEMA_NAMES:
        raise ArtifactFormatError(
            f"no JSON Schema named {name!r}; available: {', '.join(SCHEMA_NAMES)}"
        )
    resource = resources.files("tradingview_scraper") / "schemas" / f"{name}.schema.json"
    try:
        return resource.read_text(encoding="utf-8")
    except OSError as exc:  # a broken installation: the package data is missing
        raise ArtifactFormatError(
            f"schemas/{name}.schema.json: cannot be read from the installed package ({exc})"
        ) from exc


def load_schema(name: str) -> dict[str, Any]:
    """The parsed schema ``name`` (one of ``SCHEMA_NAMES``)."""
    document = json.loads(schema_text(name))
    if not isinstance(document, dict):
        raise ArtifactFormatError(f"schemas/{name}.schema.json: not a JSON object")
    return document
