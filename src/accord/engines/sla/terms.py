"""The SLA's commitments as plain parameters (what an ``sla`` definition says).

The engines sit below the definitions layer, so the workspace turns a signed ``sla``
definition into these small frozen records; their :meth:`as_params` go into every
report so it can cite the definition version they came from.

Examples
--------
>>> t = SalesTerms(decision_hours=48, first_touch_hours=24, attempts=5, attempts_days=14)
>>> t.commitments
('decision', 'first_touch', 'attempts', 'disposition')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from accord.engines.funnel.result import Parameters, params

__all__ = ["COMMITMENTS", "Commitment", "MarketingTerms", "SalesTerms"]

Commitment = Literal["decision", "first_touch", "attempts", "disposition"]
COMMITMENTS: tuple[Commitment, ...] = ("decision", "first_touch", "attempts", "disposition")


@dataclass(frozen=True, slots=True)
class SalesTerms:
    """What sales commits to for every hand-off (``None`` switches a commitment off).

    Parameters
    ----------
    handoff_stage
        The lifecycle event that starts the clock (``mql``).
    decision_hours
        Accept or reject within this many clock hours.
    accept_stages, reject_stages
        Lifecycle events that record an accept / a reject decision.
    reason_required
        A rejection must carry a reason code.
    first_touch_hours
        First activity within this many clock hours.
    attempts, attempts_days
        At least ``attempts`` activities within ``attempts_days`` clock days, unless a
        decision ends the obligation first (a lead reached and accepted or rejected
        needs no more attempts).
    unreached_reasons
        Rejection reasons that say the lead was never reached (``no_response``): such a
        rejection does not end the attempts obligation.
    disposition_days, disposition_stages
        Reach one of ``disposition_stages`` within ``disposition_days`` clock days.
    """

    handoff_stage: str = "mql"
    decision_hours: float | None = 48.0
    accept_stages: tuple[str, ...] = ("sal",)
    reject_stages: tuple[str, ...] = ("rejected",)
    reason_required: bool = True
    first_touch_hours: float | None = 24.0
    attempts: int | None = 5
    attempts_days: float | None = 14.0
    unreached_reasons: tuple[str, ...] = ("no_response",)
    disposition_days: float | None = 30.0
    disposition_stages: tuple[str, ...] = ("sal", "recycled", "disqualified")

    @property
    def commitments(self) -> tuple[Commitment, ...]:
        """The commitments switched on."""
        on = {
            "decision": self.decision_hours is not None,
            "first_touch": self.first_touch_hours is not None,
            "attempts": self.attempts is not None and self.attempts_days is not None,
            "disposition": self.disposition_days is not None and bool(self.disposition_stages),
        }
        return tuple(c for c in COMMITMENTS if on[c])

    def as_params(self) -> Parameters:
        """The terms as a parameter record (prefixed ``sales.``)."""
        values = {f"sales.{k}": getattr(self, k) for k in self.__dataclass_fields__}
        return params(values)


@dataclass(frozen=True, slots=True)
class MarketingTerms:
    """What marketing commits to per period.

    Parameters
    ----------
    volume_target
        Hand-offs (MQLs) to deliver per period; ``None``: no volume commitment.
    quality_floor
        Minimum acceptance rate (accepted ÷ decided) per period; ``None``: none.
    handoff_stage, accept_stages, reject_stages
        As in :class:`SalesTerms`.
    """

    volume_target: float | None = 400.0
    quality_floor: float | None = 0.6
    handoff_stage: str = "mql"
    accept_stages: tuple[str, ...] = ("sal",)
    reject_stages: tuple[str, ...] = ("rejected",)

    def as_params(self) -> Parameters:
        """The terms as a parameter record (prefixed ``marketing.``)."""
        values = {f"marketing.{k}": getattr(self, k) for k in self.__dataclass_fields__}
        return params(values)
