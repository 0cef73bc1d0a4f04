"""The warm-up's results kept on disk, so that a restarted server answers at once.

After each warm-up pass the results it keeps fresh are written to one file in the
workspace (:data:`SNAPSHOT_PATH`); when the server starts again they are put back in the
cache as *previous* results. Requests get them at once, marked "updating" exactly as
during any recomputation (stale while revalidate, :mod:`accord.web.cache`), while the
warm-up computes the current figures. A restored result is therefore never taken for a
current one, whatever changed while the server was down (a load or a signature from the
command line): it only fills the wait.

The file is Python's pickle format, written atomically (a temporary file, then a rename)
with owner-only permissions, beside the warehouse that holds the same data. It is read
only when it names this Accord version and this workspace, and any failure to read it
(an older format, a damaged file) means starting cold, never an error. Like the
warehouse, it must only be writable by the account that runs Accord: loading a pickle
runs code its writer chose. The file names the code that wrote it (:func:`code_stamp`:
Accord's version and the size and time of each of its modules), so results pickled by
other code, whose classes may have changed, are never read back.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> save(folder / "s.pickle", {("scorecard",): {"mqls": 2}}, workspace="acme")
1
>>> load(folder / "s.pickle", workspace="acme")
{('scorecard',): {'mqls': 2}}
>>> load(folder / "s.pickle", workspace="other")
{}
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import accord
from accord import __version__

__all__ = ["SNAPSHOT_PATH", "code_stamp", "load", "save"]

log = logging.getLogger(__name__)

SNAPSHOT_PATH = Path(".web-cache") / "results.pickle"
"""Where, under the workspace folder, the server keeps its warm results."""

_FORMAT = 2


@functools.cache
def code_stamp() -> str:
    """Accord's version and a digest of the size and modification time of each of its
    modules: changes whenever the code that pickled the results may have changed."""
    root = Path(accord.__file__).parent
    digest = hashlib.sha256(__version__.encode())
    for module in sorted(root.rglob("*.py")):
        info = module.stat()
        digest.update(f"{module.relative_to(root)}:{info.st_size}:{info.st_mtime_ns};".encode())
    return digest.hexdigest()


def save(path: Path, entries: Mapping[Hashable, Any], *, workspace: str) -> int:
    """Write *entries* (key -> result) to *path* atomically; how many were written.

    A result that cannot be pickled is left out (it is computed again after a restart).
    """
    kept = dict(entries)
    try:  # one pickle: results that share rows (each user's funnel view) share them again
        payload = pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        for key, value in entries.items():
            try:
                pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as exc:  # a lock, a connection, a lambda: not worth keeping
                log.info("warm results: %r is not kept on disk (%s)", key, exc)
                del kept[key]
        payload = pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)
    document = {"format": _FORMAT, "code": code_stamp(), "workspace": workspace,
                "entries": payload}  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temporary = tempfile.mkstemp(prefix=".results-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(document, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return len(kept)


def load(path: Path, *, workspace: str) -> dict[Hashable, Any]:
    """The entries saved at *path* for *workspace* by this code (``{}``: none, other code
    or another workspace, or a file that cannot be read)."""
    try:
        with path.open("rb") as source:
            document = pickle.load(source)  # our own file: see the module notes
        if not isinstance(document, dict) or document.get("format") != _FORMAT:
            return {}
        if document.get("code") != code_stamp() or document.get("workspace") != workspace:
            return {}
        entries: dict[Hashable, Any] = pickle.loads(document["entries"])
        return entries
    except FileNotFoundError:
        return {}
    except Exception as exc:  # damaged, or written by code that changed since
        log.warning("warm results in %s not used (%s); starting cold", path, exc)
        return {}
