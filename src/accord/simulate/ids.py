"""Record ids in the shape each system gives them.

The simulation numbers every record with a plain integer (a counter per kind of record);
these functions turn the counters into the ids the exports show, vectorised. Each
function is a bijection from counters to ids, so ids are unique without bookkeeping.

- Salesforce: 18-character case-safe ids: 3-character key prefix (``00Q`` lead, ``001``
  account, ``006`` opportunity, ``003`` contact, ``00T`` task, ``017`` field history),
  pod ``8c``, a base-62 counter, and the 3-character checksum suffix Salesforce derives
  from the case of the 15-character id.
- HubSpot and Zendesk: large integers. Stripe: ``cus_``/``sub_``/``in_`` with base-62
  bodies. The product: ``ws_``/``usr_``. Anonymous visitors: 32 hex digits.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "anonymous_ids",
    "numeric_ids",
    "prefixed_ids",
    "salesforce_ids",
    "scrambled_ids",
]

_B62: Final = np.frombuffer(
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dtype=np.uint8
)
_SUFFIX: Final = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", dtype=np.uint8)
_SCRAMBLE_A: Final = 0x9E3779B97F4A7C15  # odd: multiplication is a bijection mod 2**64


def _base62(values: np.ndarray, width: int) -> np.ndarray:
    """Base-62 digits of *values* as an ``(n, width)`` uint8 array (most significant first)."""
    out = np.empty((values.size, width), dtype=np.uint8)
    v = values.astype(np.uint64)
    for i in range(width - 1, -1, -1):
        out[:, i] = _B62[(v % np.uint64(62)).astype(np.intp)]
        v = v // np.uint64(62)
    return out


def _strings(chars: np.ndarray) -> pa.Array:
    """``(n, w)`` uint8 array of ASCII -> pyarrow string array."""
    n, w = chars.shape
    return pa.Array.from_buffers(
        pa.string(),
        n,
        [
            None,
            pa.py_buffer(np.arange(0, (n + 1) * w, w, dtype=np.int32)),
            pa.py_buffer(np.ascontiguousarray(chars).tobytes()),
        ],
    )


def salesforce_ids(prefix: str, counter: np.ndarray) -> pa.Array:
    """Salesforce 18-character ids for *counter* values.

    Examples
    --------
    >>> salesforce_ids("00Q", np.array([0, 61]))[1].as_py()
    '00Q8c000000000zEAA'
    """
    head = np.frombuffer((prefix + "8c0").encode(), dtype=np.uint8)
    body = np.empty((counter.size, 18), dtype=np.uint8)
    body[:, :6] = head
    body[:, 6:15] = _base62(counter, 9)
    upper = (body[:, :15] >= ord("A")) & (body[:, :15] <= ord("Z"))
    weights = 1 << np.arange(5)
    for chunk in range(3):
        bits = (upper[:, chunk * 5 : chunk * 5 + 5] * weights).sum(axis=1)
        body[:, 15 + chunk] = _SUFFIX[bits]
    return _strings(body)


def numeric_ids(base: int, counter: np.ndarray, step: int = 1) -> pa.Array:
    """Integer ids ``base + step * counter`` as strings (HubSpot, Zendesk, ad platforms)."""
    values = np.int64(base) + np.int64(step) * counter.astype(np.int64)
    return pc.cast(pa.array(values), pa.string())


def _mix(values: np.ndarray, salt: int) -> np.ndarray:
    """The splitmix64 finalizer, a bijection on 64-bit integers (Steele et al. 2014,
    "Fast splittable pseudorandom number generators", OOPSLA, Fig. 1)."""
    with np.errstate(over="ignore"):
        z = values.astype(np.uint64) + np.uint64(salt)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def scrambled_ids(prefix: str, counter: np.ndarray, width: int) -> pa.Array:
    """Random-looking base-62 ids (Stripe style) that are unique for distinct counters.

    The last 11 characters encode a bijective scramble of the counter (62**11 > 2**64), so
    ids never collide; any characters before them are filler.

    Examples
    --------
    >>> scrambled_ids("cus_", np.arange(2), 14).to_pylist()
    ['cus_ExnJPfe8fgQnwl', 'cus_KEbCS2gHCwPblp']
    """
    digits = _base62(_mix(counter, _SCRAMBLE_A), 11)
    if width > 11:
        filler = _base62(_mix(counter, 0x5BD1E995), 11)
        while filler.shape[1] < width - 11:
            filler = np.concatenate([filler, filler], axis=1)
        digits = np.concatenate([filler[:, : width - 11], digits], axis=1)
    head = np.broadcast_to(
        np.frombuffer(prefix.encode(), dtype=np.uint8), (counter.size, len(prefix))
    )
    return _strings(np.concatenate([head, digits[:, -width:]], axis=1))


def prefixed_ids(prefix: str, counter: np.ndarray, width: int = 8) -> pa.Array:
    """Readable ids such as ``ws_00001234`` (zero-padded decimal counter)."""
    digits = pc.utf8_lpad(pc.cast(pa.array(counter.astype(np.int64)), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def anonymous_ids(counter: np.ndarray) -> pa.Array:
    """32-hex-digit visitor cookie ids (like HubSpot's ``hubspotutk``)."""
    hi, lo = _mix(counter, 0x632BE59BD9B4E019), _mix(counter, 0x2545F4914F6CDD1D)
    hexd = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    nib = np.empty((counter.size, 32), dtype=np.uint8)
    for i in range(16):
        shift = np.uint64(60 - 4 * i)
        nib[:, i] = hexd[((hi >> shift) & np.uint64(15)).astype(np.intp)]
        nib[:, 16 + i] = hexd[((lo >> shift) & np.uint64(15)).astype(np.intp)]
    return _strings(nib)
