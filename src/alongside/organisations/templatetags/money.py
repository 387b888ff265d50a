"""Amounts in the service's own currency, written the local way (Babel's CLDR data).

``{{ claim.amount|money:claim.mentor.service }}`` -> "$17.60" in Melbourne (AUD, en_AU),
"£17.60" in Leeds (GBP, en_GB). The currency is the one in use in the service's country
today; an unknown country writes the number with two decimals.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from babel.core import UnknownLocaleError
from babel.numbers import format_currency, get_territory_currencies
from django import template

register = template.Library()


def currency_of(country: str) -> str:
    """The ISO 4217 code of the currency in use in ``country`` today ("" if unknown)."""
    country = (country or "").upper()
    currencies = get_territory_currencies(country) if country else []
    return currencies[0] if currencies else ""


def format_money(amount: Any, country: str) -> str:
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    currency = currency_of(country)
    if not currency:
        return f"{value:.2f}"
    try:
        return format_currency(value, currency, locale=f"en_{country.upper()}")
    except UnknownLocaleError:
        return format_currency(value, currency, locale="en")


@register.filter
def money(amount: Any, service: Any = None) -> str:
    return format_money(amount, getattr(service, "country", "") or "")
