"""Shared text vocabulary: yes/no answers, "no answer" markers and name normalising.

One vocabulary for every stage (readers, enthusiasm, selection), so that a value read as "yes" in
one place is never "unknown" in another. Sits at the bottom of the package: it imports nothing
from ``ambassadors``.
"""

from __future__ import annotations

import re

__all__ = ["TRUE_WORDS", "FALSE_WORDS", "NO_ANSWER", "OPT_IN_WORDS", "OPT_OUT_WORDS", "normalize_name",
           "snake_name", "norm_text"]

#: Values read as True (compared after ``str.strip().lower()``): English, Dutch, German, French,
#: Spanish, and the tick marks spreadsheets use.
TRUE_WORDS: frozenset[str] = frozenset({
    "true", "t", "yes", "y", "1", "1.0", "x", "ja", "j", "waar", "oui", "si", "sí", "✓", "✔",
    "yes please", "ja graag",
})
#: Values read as False.
FALSE_WORDS: frozenset[str] = frozenset({
    "false", "f", "no", "n", "0", "0.0", "nee", "onwaar", "nein", "non",
    "no thanks", "no thank you", "nee bedankt",
})
#: Consent answers that say "in" whatever the question (compared after :func:`norm_text`, hyphens
#: read as spaces: "Opted-in"): True in an opt-in column, False in an opt-out column.
OPT_IN_WORDS: frozenset[str] = frozenset({
    "opted in", "opt in", "in", "signed up", "volunteered", "subscribed", "aangemeld",
})
#: Consent answers that say "out": True in an opt-out column, False in an opt-in column.
OPT_OUT_WORDS: frozenset[str] = frozenset({
    "opted out", "opt out", "out", "unsubscribed", "do not contact", "afgemeld",
})
#: Answers that mean "no answer": unknown, never zero.
NO_ANSWER: frozenset[str] = frozenset({
    "", "na", "n a", "n/a", "nan", "none", "null", "-", "--", "?", "unknown", "don't know",
    "dont know", "do not know", "prefer not to say", "no answer", "nvt", "n v t", "weet niet",
    "geen antwoord", "geen mening", "zeg ik liever niet",
})

_NAME_JUNK = re.compile(r"[\s_\-.]+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize_name(name: object) -> str:
    """Column-name key for alias matching: lower case, no spaces, ``_``, ``-`` or ``.``.

    Examples
    --------
    >>> normalize_name(" Employee_ID ")
    'employeeid'
    >>> normalize_name("E-mail")
    'email'
    """
    return _NAME_JUNK.sub("", str(name).strip().lower())


def snake_name(name: object) -> str:
    """Lower-case snake_case of a name (every run of non-alphanumerics becomes one ``_``).

    Examples
    --------
    >>> snake_name("Survey Q3 (1-5)")
    'survey_q3_1_5'
    """
    return _NON_ALNUM.sub("_", str(name).strip().lower()).strip("_")


def norm_text(value: object) -> str:
    """A free-text answer folded for vocabulary look-ups (lower case, punctuation to spaces).

    Examples
    --------
    >>> norm_text("  Strongly   Agree! ")
    'strongly agree'
    """
    text = re.sub(r"[,;.!]+", " ", str(value).strip().lower())
    return " ".join(text.split())
