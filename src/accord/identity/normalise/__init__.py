"""Normalisers: one canonical spelling per value, so that equal things compare equal.

Each function takes one raw value (``str``, ``None``, or anything ``str()`` can print)
and returns the normalised text or ``None`` when nothing usable is left. All are
idempotent: ``f(f(x)) == f(x)``.
"""

from __future__ import annotations

from accord.identity.normalise.company import LEGAL_FORMS, has_legal_form, normalise_company
from accord.identity.normalise.dates import DateOrder, infer_date_order, normalise_date
from accord.identity.normalise.emails import (
    ROLE_LOCAL_PARTS,
    email_domain,
    email_local_part,
    email_match_key,
    is_role_email,
    is_valid_email,
    normalise_email,
)
from accord.identity.normalise.freemail import FREE_MAIL_DOMAINS
from accord.identity.normalise.identifiers import normalise_identifier, normalise_postcode
from accord.identity.normalise.names import (
    normalise_person_name,
    normalise_text,
    split_full_name,
)
from accord.identity.normalise.phone import REGIONS, normalise_phone
from accord.identity.normalise.web import (
    account_domain,
    is_free_mail_domain,
    normalise_domain,
    registrable_domain,
)

__all__ = [
    "FREE_MAIL_DOMAINS",
    "LEGAL_FORMS",
    "REGIONS",
    "ROLE_LOCAL_PARTS",
    "DateOrder",
    "account_domain",
    "email_domain",
    "email_local_part",
    "email_match_key",
    "has_legal_form",
    "infer_date_order",
    "is_free_mail_domain",
    "is_role_email",
    "is_valid_email",
    "normalise_company",
    "normalise_date",
    "normalise_domain",
    "normalise_email",
    "normalise_identifier",
    "normalise_person_name",
    "normalise_phone",
    "normalise_postcode",
    "normalise_text",
    "registrable_domain",
    "split_full_name",
]
