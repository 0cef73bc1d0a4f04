"""Link a workspace's company-like records into accounts.

Records (CRM accounts and companies, billing customers, product workspaces, support
organisations) carry a name and/or a web domain. Two records are one account when:

``domain``
    their registrable web domains are equal (``www.`` and sub-domains stripped; a
    free-mail domain such as gmail.com never defines an account);
``name``
    their normalised company names are equal (case, accents, punctuation, ``&``, a
    leading "The" and legal forms such as Inc, LLC, GmbH folded away), or similar
    (Jaro-Winkler >= :data:`NAME_SIMILARITY` with the same first word), unless both carry
    domains and the domains differ.

Examples
--------
>>> records = pd.DataFrame({
...     "key": ["sf:1", "hs:9", "stripe:c", "sf:2"],
...     "name": ["ACME Inc.", "Acme", None, "Globex GmbH"],
...     "domain": [None, "https://www.acme.io/", "acme.io", "globex.de"]})
>>> link_accounts(records).labels.tolist()
[0, 0, 0, 3]
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from accord.identity.clustering import cluster_links
from accord.identity.normalise import account_domain, normalise_company

__all__ = ["NAME_SIMILARITY", "AccountLinks", "link_accounts"]

NAME_SIMILARITY = 0.95
"""Jaro-Winkler similarity of normalised names at or above which two names match."""


@dataclass(frozen=True)
class AccountLinks:
    """Clusters of company records: label, strongest link and its rule per record."""

    labels: np.ndarray
    probability: np.ndarray
    rule: list[str | None]


def link_accounts(records: pd.DataFrame) -> AccountLinks:
    """Cluster *records* (columns ``key``, ``name``, ``domain``) into accounts."""
    n = len(records)
    domain = [account_domain(v) if isinstance(v, str) else None for v in records["domain"]]
    name = [normalise_company(v) if isinstance(v, str) else None for v in records["name"]]
    frame = pd.DataFrame({"row": np.arange(n, dtype=np.int64), "domain": domain, "name": name})
    frame = frame.astype({"domain": object, "name": object})
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    try:
        con.register("r", frame)
        t = NAME_SIMILARITY
        links = con.execute(
            f"""
            select l.row as "left", r.row as "right", 'domain' as rule, 1.0 as p
            from r l join r r on l.domain = r.domain and l.row < r.row
            union all
            select l.row, r.row, 'name', case when l.name = r.name then 1.0
                   else jaro_winkler_similarity(l.name, r.name) end
            from r l join r r
              on split_part(l.name, ' ', 1) = split_part(r.name, ' ', 1) and l.row < r.row
            where length(l.name) >= 2
              and (l.name = r.name or jaro_winkler_similarity(l.name, r.name) >= {t})
              and (l.domain is null or r.domain is null or l.domain = r.domain)
            """
        ).df()
    finally:
        con.close()
    left = links["left"].to_numpy(dtype=np.int64)
    right = links["right"].to_numpy(dtype=np.int64)
    labels = cluster_links(n, left, right)
    probability = np.full(n, np.nan)
    rule: list[str | None] = [None] * n
    order = links.sort_values(["p", "rule"], ascending=[True, False], kind="stable")
    for a, b, r, p in zip(order["left"], order["right"], order["rule"], order["p"], strict=True):
        for row in (int(a), int(b)):
            probability[row] = float(p)
            rule[row] = str(r)
    return AccountLinks(labels, probability, rule)
