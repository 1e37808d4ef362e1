"""Boundary checks shared by every public function (the scikit-learn ``check_*`` pattern).

Each check raises :class:`ambassadors.errors.InputError` with one line naming the option, the file
or the ids at fault. Internals trust what these functions have checked. Imports only ``errors``.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from numbers import Real

import pandas as pd

from ambassadors.errors import InputError, describe_ids

__all__ = ["check_choice", "check_duration", "check_number", "check_unique_ids", "person_frame"]


def check_choice(value: object, name: str, choices: Collection[object]) -> object:
    """Return ``value`` if it is one of ``choices``, else raise naming the option.

    Examples
    --------
    >>> check_choice("auto", "method", ("auto", "greedy"))
    'auto'
    >>> check_choice("fast", "method", ("auto", "greedy"))
    Traceback (most recent call last):
    ...
    ambassadors.errors.InputError: method must be one of 'auto', 'greedy', not 'fast'
    """
    if value not in choices:
        shown = ", ".join(repr(c) for c in choices)
        raise InputError(f"{name} must be one of {shown}, not {value!r}")
    return value


def check_number(value: object, name: str, *, min_val: float | None = None,
                 max_val: float | None = None, integer: bool = False,
                 include_min: bool = True, include_max: bool = True) -> float | int:
    """Return ``value`` as a finite number within the bounds, else raise naming the option.

    Examples
    --------
    >>> check_number(3, "size", min_val=1, integer=True)
    3
    >>> check_number(-0.5, "p", min_val=0, max_val=1)
    Traceback (most recent call last):
    ...
    ambassadors.errors.InputError: p must be >= 0, got -0.5
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InputError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise InputError(f"{name} must be finite, got {value!r}")
    if integer and number != math.floor(number):
        raise InputError(f"{name} must be a whole number, got {value!r}")
    if min_val is not None and (number < min_val or (not include_min and number == min_val)):
        raise InputError(f"{name} must be {'>=' if include_min else '>'} {min_val:g}, got {value!r}")
    if max_val is not None and (number > max_val or (not include_max and number == max_val)):
        raise InputError(f"{name} must be {'<=' if include_max else '<'} {max_val:g}, got {value!r}")
    return int(value) if integer else value  # type: ignore[call-overload, return-value]


def check_duration(value: object, name: str, *, example: str = "30D") -> pd.Timedelta:
    """Return ``value`` as a positive ``pd.Timedelta``, else raise naming the option.

    Examples
    --------
    >>> check_duration("90D", "window")
    Timedelta('90 days 00:00:00')
    >>> check_duration("-5D", "half_life")
    Traceback (most recent call last):
    ...
    ambassadors.errors.InputError: half_life must be positive, got '-5D'
    """
    try:
        length = pd.Timedelta(value)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        raise InputError(f"{name}: expected a duration such as {example!r}, got {value!r}") from None
    if pd.isna(length) or length <= pd.Timedelta(0):
        raise InputError(f"{name} must be positive, got {value!r}")
    return length


def check_unique_ids(index: pd.Index, what: str) -> None:
    """Raise ``InputError("<what>: duplicate person_id 'a', 'b'")`` when ``index`` repeats ids.

    Examples
    --------
    >>> check_unique_ids(pd.Index(["a", "b", "a"]), "people")
    Traceback (most recent call last):
    ...
    ambassadors.errors.InputError: people: duplicate person_id 'a'
    """
    if index.has_duplicates:
        raise InputError(f"{what}: duplicate person_id {describe_ids(index[index.duplicated()].unique())}")


def person_frame(frame: object, what: str, *, copy: bool = True) -> pd.DataFrame:
    """A DataFrame indexed by unique string ``person_id`` (set from a column of that name if needed).

    Examples
    --------
    >>> person_frame(pd.DataFrame({"person_id": [7, 8], "x": [1, 2]}), "scores").index.tolist()
    ['7', '8']
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{what}: expected a DataFrame, got {type(frame).__name__}")
    out: pd.DataFrame = frame
    if frame.index.name != "person_id" and "person_id" in frame.columns:
        out = frame.set_index("person_id")
    elif copy:
        out = frame.copy()
    out.index = pd.Index(out.index.astype(str), name="person_id")
    check_unique_ids(out.index, what)
    return out
