"""Privacy by default: keyed pseudonyms, re-identification of the shortlist, small-group masking.

The analysis needs to know *who talks to whom*, not *who is who*. :func:`pseudonymize` replaces
every ``person_id`` (in the roster index, ``manager_id``, the ``source``/``target`` of the
interactions and the signals index) with a keyed pseudonym, ``"p_" + HMAC-SHA256(key, id)``
truncated to 16 hex digits, and drops names and e-mail addresses. The same key gives the same
pseudonyms across files and runs, so tables pseudonymised separately still join; without the key
nobody can recompute or reverse them (unlike a plain or salted hash of a guessable id, which can be
brute-forced from the roster). There is no default key: the user holds it (:func:`load_key`).

The pseudonymised tables go through graph, scores, ranking and plan unchanged. At the very end,
:func:`reidentify` maps the pseudonyms of the final shortlist, and only of it, back to real ids and
adds names and e-mails from the real roster. :func:`mask_small` and :func:`mask_small_groups`
hide department-level figures of groups smaller than a minimum size in reports and plots.

Columns of the roster after :func:`pseudonymize`:

=============  =========================================================================
kept           ``department``, ``level``, ``hire_date``, ``active`` (needed for ranking)
pseudonymised  the index ``person_id``, ``manager_id``
dropped        ``name``, ``email`` and every other column, unless listed in ``keep=``
=============  =========================================================================

Interactions keep ``source``, ``target`` (pseudonymised), ``timestamp``, ``weight``, ``channel``;
``event_id`` is pseudonymised (``e_...``: message ids often hold host names and addresses); other
columns are dropped unless listed in ``keep=``. Signals keep their columns (minus ``name`` and
``email``) with the index pseudonymised.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import numbers
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ambassadors._validation import check_unique_ids
from ambassadors.errors import InputError, PrivacyError, describe_ids
from ambassadors.io.load_report import Loaded, as_frame

__all__ = [
    "Pseudonymized",
    "pseudonymize",
    "pseudonymize_ids",
    "reidentify",
    "load_key",
    "mask_small",
    "mask_small_groups",
    "MIN_KEY_BYTES",
    "PEOPLE_KEPT",
    "PEOPLE_PSEUDONYMISED",
    "NEVER_KEPT",
]

#: Shortest key accepted, in bytes.
MIN_KEY_BYTES = 16
#: Roster columns kept as they are (what ranking and the graph need).
PEOPLE_KEPT = ("department", "level", "hire_date", "active")
#: Roster columns holding person ids, replaced by pseudonyms.
PEOPLE_PSEUDONYMISED = ("manager_id",)
#: Columns that are always dropped, whatever ``keep=`` says.
NEVER_KEPT = ("name", "email")
#: Interaction columns kept as they are.
INTERACTIONS_KEPT = ("timestamp", "weight", "channel")

_PREFIX = "p_"
_EVENT_PREFIX = "e_"
_DIGITS = 16  # 64 bits: collision chance ~ n^2 / 2^65, about 1e-10 for 50,000 people
_EVENT_DOMAIN = b"ambassadors/event_id\x00"

_KEY_HELP = (
    "create a key once with: python -c \"import secrets; print(secrets.token_hex(32))\" > key.txt "
    "(keep it private), then pass key=load_key('key.txt'), or --key-file key.txt on the command "
    "line, or set the environment variable AMBASSADORS_KEY"
)


# --------------------------------------------------------------------------------------------
# keys
# --------------------------------------------------------------------------------------------


def _key_bytes(key: Any, *, where: str) -> bytes:
    if key is None:
        raise PrivacyError(f"{where}: no pseudonymisation key given (there is no default key); {_KEY_HELP}")
    if isinstance(key, str):
        key = key.encode("utf-8")
    elif isinstance(key, (bytearray, memoryview)):
        key = bytes(key)
    if not isinstance(key, bytes):
        raise PrivacyError(f"{where}: the key must be bytes or str, got {type(key).__name__}")
    if len(key) < MIN_KEY_BYTES:
        raise PrivacyError(f"{where}: the key is {len(key)} bytes; at least {MIN_KEY_BYTES} are needed; "
                           f"{_KEY_HELP}")
    return key


def load_key(key_file: str | os.PathLike[str] | None = None, *, env: str = "AMBASSADORS_KEY") -> bytes:
    """Read the pseudonymisation key from a file or from an environment variable.

    Parameters
    ----------
    key_file : str or path-like, optional
        A file holding the key (its trailing newline is ignored). Takes precedence over ``env``.
    env : str, default "AMBASSADORS_KEY"
        Environment variable read when no ``key_file`` is given.

    Returns
    -------
    bytes
        The key, at least 16 bytes.

    Raises
    ------
    PrivacyError
        Neither a key file nor the variable is given, the file cannot be read, or the key is
        shorter than 16 bytes. The message says how to create a key::

            python -c "import secrets; print(secrets.token_hex(32))" > key.txt

    Examples
    --------
    >>> import os, tempfile, pathlib
    >>> from ambassadors.privacy import load_key
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "key.txt"
    >>> _ = path.write_text("0123456789abcdef0123456789abcdef\\n")
    >>> load_key(path)
    b'0123456789abcdef0123456789abcdef'

    Notes
    -----
    Keep the key file private (``chmod 600 key.txt``) and apart from the data: whoever holds both
    the pseudonymised tables and the key can re-identify people.
    """
    if key_file is not None:
        path = Path(os.path.expanduser(os.fspath(key_file)))
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise PrivacyError(f"{key_file}: cannot read the key file ({exc.strerror}); {_KEY_HELP}") from exc
        key = raw.rstrip(b"\r\n")
        return _key_bytes(key, where=str(key_file))
    value = os.environ.get(env)
    if value is None or value.strip() == "":
        raise PrivacyError(f"no pseudonymisation key: no key file given and ${env} is not set; {_KEY_HELP}")
    return _key_bytes(value.rstrip("\r\n"), where=f"${env}")


# --------------------------------------------------------------------------------------------
# pseudonyms
# --------------------------------------------------------------------------------------------


class _Pseudonymizer:
    """HMAC-SHA256 of each distinct id, computed once per distinct value."""

    def __init__(self, key: bytes, *, prefix: str = _PREFIX, domain: bytes = b"") -> None:
        # The standard library's HMAC (RFC 2104), keyed and fed the domain once; each id then
        # continues a copy of that state, which equals hmac.new(key, domain + id, sha256).
        self._base = hmac.new(key, domain, hashlib.sha256)
        self._prefix = prefix
        self._cache: dict[str, str] = {}

    def one(self, value: str) -> str:
        out = self._cache.get(value)
        if out is None:
            mac = self._base.copy()
            mac.update(value.encode("utf-8", "surrogatepass"))
            out = self._prefix + mac.hexdigest()[:_DIGITS]
            self._cache[value] = out
        return out

    def distinct(self, values: Iterable[Any], *, what: str) -> list[str]:
        """Pseudonyms of distinct values; PrivacyError if two ever collide."""
        values = [str(v) for v in (values.tolist() if hasattr(values, "tolist") else values)]
        check_unique_ids(pd.Index(values, dtype=object), f"{what} (read as text: 7 and '7' are one id)")
        out = [self.one(v) for v in values]
        if len(set(out)) != len(out):  # ~1e-10 at 50,000 ids, but never silently merge people
            raise PrivacyError(f"{what}: two different ids got the same pseudonym; use another key")
        return out

    def index(self, index: pd.Index, *, what: str) -> pd.Index:
        check_unique_ids(index, what)
        check_unique_ids(pd.Index(index.astype(str)), f"{what} (read as text: 7 and '7' are one id)")
        return pd.Index(self.values(pd.Series(index, copy=False), what=what).to_numpy(),
                        name=index.name if index.name is not None else "person_id")

    def values(self, values: pd.Series, *, what: str) -> pd.Series:
        """Map a column of ids: the categories of a Categorical, else the distinct values."""
        if isinstance(values.dtype, pd.CategoricalDtype):
            new = self.distinct(values.cat.categories, what=what)
            return values.cat.rename_categories(new)
        present = values.notna().to_numpy()
        # Ids are hashed as text, so factorise the text: 7 and "7" are the same person.
        codes = np.full(len(values), -1, dtype=np.int64)
        text = values[present]
        if not pd.api.types.is_string_dtype(text.dtype) or pd.api.types.is_object_dtype(text.dtype):
            text = text.astype(str)
        codes[present], uniques = pd.factorize(text)
        mapped = np.asarray(self.distinct(uniques, what=what) + [None], dtype=object)
        out = mapped[codes]  # code -1 (missing) picks the trailing None
        return pd.Series(out, index=values.index, name=values.name,
                         dtype=values.dtype if pd.api.types.is_string_dtype(values.dtype)
                         and not pd.api.types.is_object_dtype(values.dtype) else object)


def pseudonymize_ids(ids: Iterable[Any], *, key: bytes | str | None = None) -> list[str]:
    """Pseudonyms of a list of real ids (e.g. an exclusion list), as :func:`pseudonymize` makes them.

    Parameters
    ----------
    ids : iterable
        Real person ids (converted to ``str``).
    key : bytes or str
        The pseudonymisation key (at least 16 bytes). Required.

    Returns
    -------
    list of str
        ``"p_" + 16 hex digits`` for each id, in order.

    Examples
    --------
    >>> from ambassadors.privacy import pseudonymize_ids
    >>> key = b"an example key, never use it"
    >>> a = pseudonymize_ids(["007", "42"], key=key)
    >>> a[0].startswith("p_"), len(a[0]), a == pseudonymize_ids(["007", "42"], key=key)
    (True, 18, True)
    """
    key = _key_bytes(key, where="pseudonymize_ids")
    maker = _Pseudonymizer(key)
    return [maker.one(str(i)) for i in ids]


@dataclass(frozen=True)
class Pseudonymized:
    """The pseudonymised tables, plus what was dropped.

    Unpacks as ``people, interactions, signals = pseudonymize(...)``.

    Attributes
    ----------
    people, interactions, signals : DataFrame or None
        The tables, ``None`` where none was given.
    dropped : dict
        Table name -> list of the columns removed from it.
    """

    people: pd.DataFrame | None
    interactions: pd.DataFrame | None = None
    signals: pd.DataFrame | None = None
    dropped: dict[str, list[str]] = field(default_factory=dict)

    def __iter__(self) -> Iterator[pd.DataFrame | None]:
        return iter((self.people, self.interactions, self.signals))


def _frame(obj: Any, what: str) -> pd.DataFrame:
    frame = as_frame(obj)
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"pseudonymize: {what} must be a DataFrame or Loaded, got {type(frame).__name__}")
    return frame


def pseudonymize(
    people: pd.DataFrame | Loaded | None,
    interactions: pd.DataFrame | Loaded | None = None,
    signals: pd.DataFrame | Loaded | None = None,
    *,
    key: bytes | str | None = None,
    keep: Iterable[str] = (),
) -> Pseudonymized:
    """Replace person ids by keyed pseudonyms and drop names and e-mails.

    .. math::
        \\mathrm{pseudonym}(id) = \\texttt{"p\\_"}
        + \\mathrm{hex}(\\mathrm{HMAC\\text{-}SHA256}(key, id))_{1..16}

    Parameters
    ----------
    people : DataFrame or Loaded
        The roster (index ``person_id``). See the module docstring for which columns are kept,
        pseudonymised and dropped.
    interactions : DataFrame or Loaded, optional
        The interactions table; ``source``/``target`` are mapped category by category.
    signals : DataFrame or Loaded, optional
        The signals table (index ``person_id``).
    key : bytes or str
        The secret key, at least 16 bytes (a ``str`` is UTF-8 encoded). There is no default:
        without it a :class:`~ambassadors.errors.PrivacyError` is raised. See :func:`load_key`.
    keep : iterable of str, optional
        Extra roster or interaction columns to keep as they are (e.g. ``("location",)``). ``name``
        and ``email`` are never kept.

    Returns
    -------
    Pseudonymized
        ``people``, ``interactions``, ``signals`` (None where not given) and ``dropped``.

    Raises
    ------
    PrivacyError
        No key, a key shorter than 16 bytes, or ``keep`` naming ``name``/``email``.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.privacy import pseudonymize
    >>> people = pd.DataFrame({"department": ["A", "B"], "name": ["Ann", "Bo"],
    ...                        "email": ["ann@x.org", "bo@x.org"], "manager_id": [None, "1"]},
    ...                       index=pd.Index(["1", "2"], name="person_id"))
    >>> pseudo = pseudonymize(people, key="a secret of 16+ bytes")
    >>> list(pseudo.people.columns), pseudo.dropped["people"]
    (['department', 'manager_id'], ['name', 'email'])
    >>> pseudo.people["manager_id"].iloc[1] == pseudo.people.index[0]
    True

    Notes
    -----
    One HMAC per *distinct* id (categories of ``source``/``target`` are mapped, not rows), so the
    cost is O(people) hashes plus O(rows) vectorised array work. Row order and the order of
    categories are preserved, so integer codes keep their meaning.

    References
    ----------
    Krawczyk, Bellare & Canetti (1997), *HMAC: Keyed-Hashing for Message Authentication*, RFC 2104.
    """
    key = _key_bytes(key, where="pseudonymize")
    keep = [keep] if isinstance(keep, str) else list(keep)
    refused = sorted(set(keep) & set(NEVER_KEPT))
    if refused:
        raise PrivacyError(f"pseudonymize: {describe_ids(refused)} cannot be kept in pseudonymised data")
    maker = _Pseudonymizer(key)
    dropped: dict[str, list[str]] = {}

    out_people = None
    if people is not None:
        frame = _frame(people, "people")
        chosen = [c for c in frame.columns
                  if c in PEOPLE_PSEUDONYMISED or c in PEOPLE_KEPT or c in keep]
        out_people = frame.loc[:, chosen].copy()
        out_people.index = maker.index(frame.index, what="people.person_id")
        for column in chosen:
            if column in PEOPLE_PSEUDONYMISED:
                out_people[column] = maker.values(frame[column], what=f"people.{column}").array
        gone = [str(c) for c in frame.columns if c not in chosen]
        dropped["people"] = gone

    out_inter = None
    if interactions is not None:
        frame = _frame(interactions, "interactions")
        missing = [c for c in ("source", "target") if c not in frame.columns]
        if missing:
            raise InputError(f"pseudonymize: interactions have no column {describe_ids(missing)}; "
                             f"columns are: {', '.join(map(str, frame.columns))}")
        chosen = [c for c in frame.columns
                  if c in ("source", "target", "event_id") or c in INTERACTIONS_KEPT or c in keep]
        out_inter = frame.loc[:, chosen].copy()
        events = _Pseudonymizer(key, prefix=_EVENT_PREFIX, domain=_EVENT_DOMAIN)
        for column in ("source", "target", "event_id"):
            if column in chosen:
                which = events if column == "event_id" else maker
                out_inter[column] = which.values(frame[column], what=f"interactions.{column}").array
        gone = [str(c) for c in frame.columns if c not in chosen]
        dropped["interactions"] = gone

    out_signals = None
    if signals is not None:
        frame = _frame(signals, "signals")
        gone = [str(c) for c in frame.columns if c in NEVER_KEPT]
        out_signals = frame.drop(columns=gone).copy()
        out_signals.index = maker.index(frame.index, what="signals.person_id")
        dropped["signals"] = gone

    return Pseudonymized(out_people, out_inter, out_signals, dropped)


# --------------------------------------------------------------------------------------------
# re-identification
# --------------------------------------------------------------------------------------------


def reidentify(table: pd.DataFrame | pd.Series | Loaded, people: pd.DataFrame | Loaded, *,
               key: bytes | str | None = None) -> pd.DataFrame:
    """Map the pseudonyms of a final shortlist back to real ids, and add names and e-mails.

    Use it on the final, small result only (the shortlist, the plan's members), never to undo
    pseudonymisation of whole tables.

    Parameters
    ----------
    table : DataFrame or Series
        Indexed by pseudonyms (``person_id``) and/or with a ``person_id`` column of pseudonyms.
        The index is mapped when it is named ``person_id`` or when there is no such column.
    people : DataFrame or Loaded
        The *real* roster (index ``person_id``), with ``name``/``email`` if wanted.
    key : bytes or str
        The key used by :func:`pseudonymize`.

    Returns
    -------
    DataFrame
        ``table`` with real ids, and ``name``, ``email`` (those the roster has) as first columns.

    Raises
    ------
    InputError
        A pseudonym that is no roster id's pseudonym under this key (wrong key or wrong roster?).
    PrivacyError
        No key or a short key.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.privacy import pseudonymize, reidentify
    >>> people = pd.DataFrame({"department": ["A", "B"], "name": ["Ann", "Bo"]},
    ...                       index=pd.Index(["007", "042"], name="person_id"))
    >>> key = "a secret of 16+ bytes"
    >>> shortlist = pseudonymize(people, key=key).people.assign(rank=[2, 1]).sort_values("rank")
    >>> real = reidentify(shortlist, people, key=key)
    >>> real.index.tolist(), list(real.columns), real["name"].tolist()
    (['042', '007'], ['name', 'department', 'rank'], ['Bo', 'Ann'])

    Notes
    -----
    Hashes the roster once (O(people)); the lookups are vectorised.
    """
    key = _key_bytes(key, where="reidentify")
    frame = as_frame(table)
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    roster = as_frame(people)
    if not isinstance(frame, pd.DataFrame) or not isinstance(roster, pd.DataFrame):
        raise InputError("reidentify: table and people must be DataFrames")
    check_unique_ids(roster.index, "reidentify: people")
    real = roster.index.astype(str)
    pseudonyms = _Pseudonymizer(key).distinct(real, what="people.person_id")
    lookup = pd.Series(np.asarray(real, dtype=object), index=pd.Index(pseudonyms, dtype=object))

    def back(values: pd.Series, what: str) -> np.ndarray:
        text = values.astype(object)
        present = text.notna().to_numpy()
        found = lookup.reindex(pd.Index(text[present].astype(str), dtype=object))
        unknown = found.index[found.isna().to_numpy()].unique()
        if len(unknown):
            raise InputError(f"reidentify: {what} {describe_ids(unknown)} are not pseudonyms of the "
                             f"roster's ids under this key (wrong key, or wrong roster?)")
        out = np.full(len(text), None, dtype=object)
        out[present] = found.to_numpy()
        return out

    out = frame.copy()
    map_index = out.index.name == "person_id" or "person_id" not in out.columns
    if map_index:
        out.index = pd.Index(back(pd.Series(out.index, copy=False), "index value(s)"), name="person_id")
    if "person_id" in out.columns:
        out["person_id"] = back(out["person_id"], "person_id value(s)")
    ids = out.index if map_index else pd.Index(out["person_id"])
    extra = [c for c in NEVER_KEPT if c in roster.columns]
    out = out.drop(columns=[c for c in extra if c in out.columns])
    for position, column in enumerate(extra):
        by_real_id = pd.Series(roster[column].to_numpy(), index=pd.Index(real, dtype=object))
        out.insert(position, column, by_real_id.reindex(pd.Index(ids, dtype=object)).to_numpy())
    return out


# --------------------------------------------------------------------------------------------
# minimum group size
# --------------------------------------------------------------------------------------------


def _check_min_size(min_group_size: Any) -> int:
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, numbers.Integral) \
            or min_group_size < 1:
        raise InputError(f"min_group_size: expected a whole number >= 1, got {min_group_size!r}")
    return int(min_group_size)


def _is_missing(n: Any) -> bool:
    try:
        return n is None or bool(pd.isna(n))
    except (TypeError, ValueError):
        return False


def mask_small(value: Any, n: Any = None, *, min_group_size: int = 5) -> Any:
    """Return ``value``, or ``"< 5"`` when it describes a group of fewer than 5 people.

    Parameters
    ----------
    value : any
        The figure to show (a count, a share, a mean ...).
    n : int, optional
        Size of the group ``value`` describes. Default: ``value`` itself (masking a head count).
        An unknown size (None/NaN) is masked.
    min_group_size : int, default 5
        Smallest group whose figures are shown. 1 shows everything.

    Returns
    -------
    value or str
        ``value`` unchanged, or the string ``f"< {min_group_size}"``.

    Examples
    --------
    >>> from ambassadors.privacy import mask_small
    >>> mask_small(12), mask_small(3), mask_small(0.75, 4), mask_small(0.75, 40)
    (12, '< 5', '< 5', 0.75)
    """
    limit = _check_min_size(min_group_size)
    size = value if n is None else n
    if _is_missing(size):
        return f"< {limit}"
    if isinstance(size, str) or not isinstance(size, numbers.Real):
        raise InputError(f"mask_small: group size must be a number, got {size!r}")
    return f"< {limit}" if size < limit or math.isnan(float(size)) else value


def mask_small_groups(frame: pd.DataFrame, size_column: str, columns: Iterable[str] | None = None, *,
                      min_group_size: int = 5, mask_size: bool = True) -> pd.DataFrame:
    """Mask the figures of every row (group) with fewer than ``min_group_size`` people.

    Parameters
    ----------
    frame : DataFrame
        One row per group, e.g. ``Plan.coverage`` (index department).
    size_column : str
        Column with the group size. Missing or non-numeric sizes count as small.
    columns : iterable of str, optional
        Columns to mask in small groups. Default: every column.
    min_group_size : int, default 5
        Smallest group whose figures are shown.
    mask_size : bool, default True
        Also mask the size itself (the group is listed, its exact size is not).

    Returns
    -------
    DataFrame
        A copy; masked cells hold ``"< 5"`` and their columns become ``object``. Columns with
        nothing to mask keep their dtype.

    Examples
    --------
    >>> import pandas as pd
    >>> from ambassadors.privacy import mask_small_groups
    >>> cov = pd.DataFrame({"size": [40, 3], "share_reached": [0.8, 1.0]},
    ...                    index=pd.Index(["Sales", "Legal"], name="department"))
    >>> mask_small_groups(cov, "size").to_dict("index")
    {'Sales': {'size': 40, 'share_reached': 0.8}, 'Legal': {'size': '< 5', 'share_reached': '< 5'}}

    Notes
    -----
    Vectorised: one boolean mask, one array assignment per column; O(rows x columns).
    """
    limit = _check_min_size(min_group_size)
    frame = as_frame(frame)
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"mask_small_groups: expected a DataFrame, got {type(frame).__name__}")
    if size_column not in frame.columns:
        raise InputError(f"mask_small_groups: no column {size_column!r}; columns are: "
                         f"{', '.join(map(str, frame.columns))}")
    if columns is None:
        targets = list(frame.columns)
    else:
        targets = [columns] if isinstance(columns, str) else list(columns)
    unknown = [c for c in targets if c not in frame.columns]
    if unknown:
        raise InputError(f"mask_small_groups: no column {describe_ids(unknown)}; columns are: "
                         f"{', '.join(map(str, frame.columns))}")
    if mask_size and size_column not in targets:
        targets.append(size_column)
    if not mask_size:
        targets = [c for c in targets if c != size_column]
    sizes = pd.to_numeric(frame[size_column], errors="coerce")
    small = (sizes.isna() | (sizes < limit)).to_numpy()
    out = frame.copy()
    if not small.any():
        return out
    label = f"< {limit}"
    for column in targets:
        values = out[column].to_numpy(dtype=object, copy=True)
        values[small] = label
        out[column] = pd.Series(values, index=out.index, dtype=object)
    return out
