"""Decimal arithmetic for amounts and quantities, and QBO's JSON spelling of numbers.

QBO computes money in decimal and rounds half-up to cents; in JSON it writes a non-zero amount
as a number with a fraction (``100.0``, ``314.28``) and zero as ``0``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from acctivate_qbo_plugin.sandbox import errors

CENT = Decimal("0.01")
ZERO = Decimal(0)


def to_decimal(value: object, element: str) -> Decimal:
    """A JSON number (or numeric string, as Jackson accepts) as a Decimal; else a 2010 fault."""
    if isinstance(value, bool) or value is None:
        raise errors.invalid_value(element, value, "java.math.BigDecimal")
    if isinstance(value, int | float | str):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise errors.invalid_value(element, value, "java.math.BigDecimal") from None
        if number.is_finite():
            return number
    raise errors.invalid_value(element, value, "java.math.BigDecimal")


def optional_decimal(value: object, element: str) -> Decimal | None:
    return None if value is None else to_decimal(value, element)


def round_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money_json(value: Decimal) -> float | int:
    """``0`` for zero, otherwise a float such as ``100.0`` (how QBO prints amounts)."""
    value = round_money(value)
    return 0 if value == 0 else float(value)


def quantity_json(value: Decimal) -> float | int:
    """Quantities keep an integer form when whole (``QtyOnHand: 25``), else a float."""
    return int(value) if value == value.to_integral_value() else float(value)
