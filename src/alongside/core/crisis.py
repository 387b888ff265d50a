"""Who to call in a crisis: the service's numbers, with defaults per country.

A service sets its own emergency number, crisis line and support resources
(organisations settings); where it has not, the defaults of its country are
shown. Only countries whose numbers the project has confirmed are listed; a
service elsewhere must enter its own, and the pages say so instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CrisisNumbers:
    emergency: str  # e.g. "000"
    crisis_line: str  # e.g. "Lifeline 13 11 14"

    @property
    def complete(self) -> bool:
        return bool(self.emergency and self.crisis_line)


# The brief names these (Victoria, Australia; England, United Kingdom).
COUNTRY_DEFAULTS: dict[str, CrisisNumbers] = {
    "AU": CrisisNumbers(emergency="000", crisis_line="Lifeline 13 11 14"),
    "GB": CrisisNumbers(emergency="999", crisis_line="Samaritans 116 123"),
}


def crisis_numbers(country: str, emergency: str = "", crisis_line: str = "") -> CrisisNumbers:
    """The service's own numbers where set, the country's defaults otherwise."""
    default = COUNTRY_DEFAULTS.get(country.upper(), CrisisNumbers("", ""))
    return CrisisNumbers(
        emergency=emergency.strip() or default.emergency,
        crisis_line=crisis_line.strip() or default.crisis_line,
    )


# Concern kinds that mean someone may be in danger: crisis numbers shown, urgent at the
# top of staff home pages, escalated to managers when nobody acknowledges in time.
URGENT_CONCERN_KINDS = frozenset({"risk_to_self", "risk_to_others"})
DEFAULT_ESCALATION_MINUTES = 60
