"""Email addresses: a canonical form to keep, and a match key to compare.

The canonical form is what a person typed, trimmed and lower-cased (``mailto:`` and
``Name <...>`` wrappers removed). The *match key* additionally folds the variants that
deliver to the same mailbox:

- plus-addressing (sub-addressing, RFC 5233): ``ann+news@x.com`` -> ``ann@x.com``;
- Gmail ignores dots in the local part and treats ``googlemail.com`` as ``gmail.com``:
  ``a.n.n@googlemail.com`` -> ``ann@gmail.com``.

Examples
--------
>>> email_match_key("  Ann.Lee+crm@GoogleMail.com ")
'annlee@gmail.com'
>>> email_match_key("ann.lee+crm@acme.io")
'ann.lee@acme.io'
>>> is_role_email("Info@Acme.io")
True
"""

from __future__ import annotations

import re

from accord.identity.normalise._text import blank_to_none

__all__ = [
    "ROLE_LOCAL_PARTS",
    "email_domain",
    "email_local_part",
    "email_match_key",
    "is_role_email",
    "is_valid_email",
    "normalise_email",
]

_ANGLE = re.compile(r"<([^<>]+)>")
_WRAPPED = re.compile(r"[<:\s]")
_VALID = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})

ROLE_LOCAL_PARTS: frozenset[str] = frozenset(
    {
        "accounts", "admin", "billing", "careers", "contact", "enquiries", "finance",
        "hello", "help", "hr", "info", "inquiries", "jobs", "mail", "marketing", "media",
        "news", "newsletter", "no-reply", "noreply", "office", "orders", "post", "press",
        "privacy", "reception", "sales", "service", "support", "team", "webmaster",
    }
)  # fmt: skip
"""Local parts that name a function, not a person: shared by many people, so an exact
match on them links nobody."""


def normalise_email(value: object) -> str | None:
    """The canonical form of an email address: trimmed, lower-case, unwrapped.

    Invalid addresses are kept (lower-cased) rather than dropped: a typo such as
    ``ann@acmeio`` still carries evidence for a fuzzy comparison.

    Examples
    --------
    >>> normalise_email("Ann Lee <ANN@Acme.io>")
    'ann@acme.io'
    >>> normalise_email("mailto:ann@acme.io") , normalise_email("  ")
    ('ann@acme.io', None)
    """
    text = blank_to_none(value)
    if text is None:
        return None
    if not _WRAPPED.search(text):
        return text.lower()  # the usual case: nothing to unwrap
    for _ in range(8):  # unwrap nested wrappers until nothing changes
        if text is None:
            return None
        unwrapped = _unwrap_once(text)
        if unwrapped == text:
            break
        text = unwrapped
    return text


def _unwrap_once(text: str) -> str | None:
    wrapped = _ANGLE.search(text)
    if wrapped:
        text = wrapped.group(1)
    text = "".join(text.lower().split())
    if text.startswith("mailto:"):
        text = text[len("mailto:") :]
    return text or None


def is_valid_email(value: object) -> bool:
    """True when *value* has the shape ``local@domain.tld`` (no full RFC 5322 check)."""
    text = normalise_email(value)
    return text is not None and _VALID.match(text) is not None


def email_match_key(value: object) -> str | None:
    """The key two addresses share when they reach the same mailbox.

    Folding is applied only to valid addresses; an invalid one is returned in its
    canonical form. ``email_match_key(email_match_key(x)) == email_match_key(x)``.
    """
    text = normalise_email(value)
    if text is None or _VALID.match(text) is None:
        return text
    local, _, domain = text.rpartition("@")
    local = local.split("+", 1)[0] or local
    if domain in _DOTLESS_DOMAINS:
        domain = "gmail.com"
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def email_local_part(value: object) -> str | None:
    """The part before ``@`` of the match key (``None`` without an ``@``)."""
    key = email_match_key(value)
    if key is None or "@" not in key:
        return None
    return key.rpartition("@")[0] or None


def email_domain(value: object) -> str | None:
    """The domain of the match key (``None`` without an ``@``)."""
    key = email_match_key(value)
    if key is None or "@" not in key:
        return None
    return key.rpartition("@")[2] or None


def is_role_email(value: object) -> bool:
    """True for function addresses such as ``info@`` or ``sales@`` (see ROLE_LOCAL_PARTS)."""
    local = email_local_part(value)
    return local is not None and local in ROLE_LOCAL_PARTS
