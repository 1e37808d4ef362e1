"""Our exception types.

Every error a user can cause with bad input or an impossible request is raised as one of these,
with a one-line message that names the file, the column or the ids at fault. The CLI prints
``error: <message>`` and exits 2 for any :class:`AmbassadorsError`.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "AmbassadorsError",
    "InputError",
    "InfeasibleError",
    "PrivacyError",
    "describe_ids",
]


class AmbassadorsError(Exception):
    """Base class of every error this library raises on purpose."""


class InputError(AmbassadorsError, ValueError):
    """The input data or file cannot be used as given (missing column, duplicate ids, ...)."""


class InfeasibleError(AmbassadorsError, ValueError):
    """The request cannot be satisfied (e.g. fewer ambassadors than departments to cover)."""


class PrivacyError(AmbassadorsError):
    """A privacy safeguard refused to run (e.g. pseudonymising without a key)."""


def describe_ids(ids: Iterable[object], *, limit: int = 5) -> str:
    """Return ``'a', 'b', 'c' and 7 more (10 in all)`` for error messages.

    Shows the first ``limit`` values (in the order given) and the total count.
    """
    ids = list(ids)
    shown = ", ".join(repr(str(i)) for i in ids[:limit])
    if len(ids) <= limit:
        return shown
    return f"{shown} and {len(ids) - limit} more ({len(ids)} in all)"
