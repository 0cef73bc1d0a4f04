"""A stable content hash of a definition: what a signature is bound to.

The hash covers everything a signatory reads — kind, name, owners, description and body —
in canonical form (:func:`accord.definitions.yaml_io.to_data`: sets sorted, defaults left
out, keys sorted, integral floats written as integers), so reformatting a YAML file or
reordering its keys never changes it, and any change of meaning always does. The state
store records the hash with every signature; a signature applies to a version only while
the hashes match, so signatures never carry over to a changed body.

Leaving defaults out keeps hashes stable when a later Accord adds an optional field.

Examples
--------
>>> from accord.definitions.specs import parse_definition
>>> a = parse_definition({"kind": "term", "name": "sal", "owners": ["sales", "marketing"],
...                       "body": {"definition": "Accepted by sales."}})
>>> b = parse_definition({"body": {"definition": "Accepted by sales."}, "kind": "term",
...                       "owners": ["marketing", "sales"], "name": "sal"})
>>> content_hash(a) == content_hash(b), content_hash(a)[:7]
(True, 'sha256:')
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from accord.definitions.specs import Definition
from accord.definitions.yaml_io import to_data

__all__ = ["canonical_json", "content_hash"]


def _normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def canonical_json(definition: Definition) -> str:
    """Compact JSON with sorted keys of the canonical form of *definition*."""
    return json.dumps(
        _normalise(to_data(definition)),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def content_hash(definition: Definition) -> str:
    """``sha256:<hex>`` of :func:`canonical_json`."""
    digest = hashlib.sha256(canonical_json(definition).encode("utf-8")).hexdigest()
    return f"sha256:{digest}"
