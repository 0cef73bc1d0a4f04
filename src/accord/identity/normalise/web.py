"""Web domains: the host of a URL, its registrable domain, and account domains.

A *registrable domain* is the public suffix plus one label (``shop.acme.co.uk`` ->
``acme.co.uk``), following the Public Suffix List's definition
(https://publicsuffix.org/list/); Accord ships only the multi-label suffixes that
matter for business domains instead of the whole list.

Examples
--------
>>> normalise_domain("HTTPS://www.Acme.io/pricing?x=1")
'acme.io'
>>> registrable_domain("eu.shop.acme.co.uk")
'acme.co.uk'
>>> account_domain("ann@gmail.com") is None, account_domain("ann@mail.acme.io")
(True, 'acme.io')
"""

from __future__ import annotations

import re

from accord.identity.normalise._text import blank_to_none
from accord.identity.normalise.freemail import FREE_MAIL_DOMAINS

__all__ = [
    "MULTI_LABEL_SUFFIXES",
    "account_domain",
    "is_free_mail_domain",
    "normalise_domain",
    "registrable_domain",
]

MULTI_LABEL_SUFFIXES: frozenset[str] = frozenset(
    {
        "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "ac.uk", "gov.uk", "net.uk",
        "com.au", "net.au", "org.au", "edu.au", "gov.au", "co.nz", "org.nz", "net.nz",
        "co.jp", "ne.jp", "or.jp", "ac.jp", "co.kr", "or.kr", "com.cn", "net.cn",
        "org.cn", "com.hk", "com.sg", "com.my", "com.tw", "co.in", "net.in", "org.in",
        "firm.in", "co.id", "co.th", "com.ph", "com.vn", "co.il", "org.il", "com.tr",
        "com.br", "net.br", "org.br", "com.ar", "com.mx", "com.co", "com.pe", "com.uy",
        "co.za", "org.za", "com.eg", "com.ng", "co.ke", "com.sa", "com.pk", "ac.in",
        "gv.at", "co.at", "or.at", "com.pl", "com.es", "com.pt", "com.gr", "com.ua",
        "com.ru", "github.io", "herokuapp.com", "azurewebsites.net", "cloudfront.net",
        "blogspot.com", "wordpress.com", "myshopify.com", "netlify.app", "vercel.app",
        "pages.dev", "appspot.com",
    }
)  # fmt: skip
"""Public suffixes of two labels (a subset of the Public Suffix List)."""

_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://")
_WWW = re.compile(r"^www\d*\.")
_LABEL = re.compile(r"^[a-z0-9\u00a0-\uffff](?:[a-z0-9\u00a0-\uffff\-]*[a-z0-9\u00a0-\uffff])?$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9\-]+|[\u00a0-\uffff]{2,63})$")


def normalise_domain(value: object) -> str | None:
    """The host name of a URL, e-mail address or bare domain; ``www.`` removed.

    Scheme, user info, port, path, query and fragment are dropped, the host is
    lower-cased and a trailing dot removed. ``None`` when what remains is not a host
    name with a top-level domain (``localhost``, an IP address, free text).
    """
    text = blank_to_none(value)
    if text is None:
        return None
    text = text.lower()
    text = _SCHEME.sub("", text).lstrip("/")
    text = re.split(r"[/?#\s]", text, maxsplit=1)[0]
    text = text.rpartition("@")[2]  # user info or an e-mail address
    text = text.split(":", 1)[0].strip(".")
    while _WWW.match(text) and text.count(".") >= 2:
        text = _WWW.sub("", text, count=1)
    labels = text.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return None
    if not _TLD.match(labels[-1]):
        return None
    return text


def registrable_domain(value: object) -> str | None:
    """The registrable domain (public suffix plus one label) of *value*'s host."""
    host = normalise_domain(value)
    if host is None:
        return None
    labels = host.split(".")
    if len(labels) >= 3 and ".".join(labels[-2:]) in MULTI_LABEL_SUFFIXES:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def is_free_mail_domain(value: object) -> bool:
    """True when the registrable domain (or the host) is a free-mail provider."""
    host = normalise_domain(value)
    if host is None:
        return False
    return host in FREE_MAIL_DOMAINS or registrable_domain(host) in FREE_MAIL_DOMAINS


def account_domain(value: object) -> str | None:
    """The domain that may define a company account: registrable, never free mail."""
    domain = registrable_domain(value)
    if domain is None or is_free_mail_domain(domain):
        return None
    return domain
