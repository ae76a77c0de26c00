"""Conditions on the rows of a field: ``faces/surface_type == torus``, ``n_faces > 20``."""

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from cad_assets.explore.categories import Categories
from cad_assets.explore.fields import FieldRef

#: A function of values ``(k, ...)`` giving a boolean mask ``(k, ...)`` (or ``(k,)``).
Predicate = Callable[[np.ndarray], np.ndarray]

OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge, "in": lambda values, options: np.isin(values, options),
}
_CONDITION = re.compile(
    r"^\s*(?P<field>[^\s=!<>]+)\s*(?P<op>==|!=|<=|>=|=|<|>|\s+in\s+)\s*(?P<value>.+?)\s*$"
)


@dataclass(frozen=True)
class Condition:
    """``field op value``; ``value`` may name a category (``torus``), resolved per field.

    Attributes
    ----------
    field : str
        ``group/array``, ``group/array[i]`` or an infoset column.
    op : str
        One of ``== != < <= > >= in`` (``in`` takes a list of values).
    value
        A number, a bool, a string (a category name or an infoset text value) or, for ``in``,
        a list of those.
    """

    field: str
    op: str
    value: Any

    @classmethod
    def parse(cls, text: str) -> "Condition":
        """Parse ``"faces/surface_type == torus"`` or ``"edges/curve_type in line,circle"``.

        Raises
        ------
        ValueError
            If ``text`` is not ``field op value``.
        """
        match = _CONDITION.match(text)
        if match is None:
            raise ValueError(
                f"not a condition: {text!r} (expected e.g. 'faces/surface_type == torus')"
            )
        op = "==" if match["op"] == "=" else match["op"].strip()
        if op == "in":
            return cls(match["field"], op, [_literal(item) for item in match["value"].split(",")])
        return cls(match["field"], op, _literal(match["value"]))

    def predicate(self, categories: Categories) -> Predicate:
        """The mask function. Against numbers, category names of the field become their codes;
        against text (infoset columns such as ``format``), values compare as text.

        Raises
        ------
        ValueError
            If ``op`` is unknown, or a value is text for an array without category names.
        KeyError
            If a value names no category of a categorical field (for an infoset column: when
            the predicate first meets numbers).
        """
        if self.op not in OPERATORS:
            raise ValueError(f"unknown operator {self.op!r}; use one of {' '.join(OPERATORS)}")
        field, compare = FieldRef.parse(self.field), OPERATORS[self.op]

        def resolve(value):
            if isinstance(value, str) and field.key in categories:
                return categories.code(field.key, value)
            if isinstance(value, str) and field.group is not None:
                raise ValueError(f"{field.key} has no category names: compare it with a number")
            return value

        def operand(convert):
            return [convert(v) for v in self.value] if self.op == "in" else convert(self.value)

        as_text = operand(str)
        coded = operand(resolve) if field.group is not None else None  # arrays are never text

        def mask(values: np.ndarray) -> np.ndarray:
            nonlocal coded
            if values.dtype.kind in "OUST":
                return np.asarray(compare(values, as_text), dtype=bool)
            if coded is None:
                coded = operand(resolve)
            return np.asarray(compare(values, coded), dtype=bool)

        return mask


def _literal(text: str):
    """``"3"`` -> 3, ``"0.5"`` -> 0.5, ``"true"`` -> True, ``'"torus"'`` -> ``"torus"``."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for number in (int, float):
        try:
            return number(text)
        except ValueError:
            pass
    return text
