"""The :class:`Organization` container, its CSV files, and the bundled sample."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from ambassadors.datasets._tables import write_plain_csv
from ambassadors.errors import InputError

__all__ = ["Organization", "SAMPLE_OPTIONS", "load_sample", "sample_paths"]

#: The options that made the bundled sample (``data/samples``); see its README. The launch adds
#: the adoption file; ``timeline_mail=False`` keeps the mail and chat those of an organisation
#: without a programme (so the sample's network is the one its documentation describes).
SAMPLE_OPTIONS: dict[str, Any] = {
    "n_people": 300,
    "n_departments": 8,
    "months": 3,
    "seed": 0,
    "messages_per_month": 3.0,
    "chats_per_month": 2.0,
    "launch": "2025-02-17",
    "timeline_mail": False,
}


@dataclass(eq=False)
class Organization:
    """A synthetic organisation: the five input tables and the answer planted in them.

    Attributes
    ----------
    people : pandas.DataFrame
        HR roster indexed by ``person_id`` (strings ``P00001``...): ``department, name, email,
        manager_id, title, location, level, hire_date, active``. ``level`` is 1 (executive:
        the CEO and department heads), 2 (manager) or 3 (staff); the CEO has no ``manager_id``.
    emails : pandas.DataFrame
        Mail log in the *events* shape, one row per message: ``event_id, timestamp, sender,
        recipients, cc``. Addresses are ``;``-joined; ``cc`` is missing when empty; timestamps are
        ISO 8601 strings with the sender's UTC offset. Includes broadcasts, mails from
        distribution lists that are not in HR, and a few external addresses.
    chat : pandas.DataFrame
        Chat edge list: ``source, target`` (person_id), ``timestamp`` (ISO 8601), ``channel``
        (always ``"chat"``).
    survey : pandas.DataFrame
        One row per person: ``person_id, survey_enthusiasm`` (text answers from :data:`LIKERT`,
        about 30 % missing), ``volunteer`` (``yes``/``no``, mostly missing), ``opt_out``
        (``yes`` for a few, otherwise missing).
    activity : pandas.DataFrame
        Internal social network counts over the period, heavy-tailed: ``person_id, posts,
        comments, reactions, shares`` (people who never used it have no row).
    adoption : pandas.DataFrame
        The behaviour a programme promotes, one row per occurrence: ``person_id, timestamp``
        (ISO 8601, UTC). Empty without a ``launch`` (see :func:`make_organization`).
    truth : dict
        What was planted: ``connectors`` (one enthusiastic cross-department connector per
        department), ``brokers`` (cross-department connectors who are not especially
        enthusiastic), ``enthusiasts`` (enthusiastic but ordinarily connected),
        ``department_heads``, ``ceo``, ``distribution_lists``, ``external_addresses``. Person
        lists are person_ids in string order. With a launch also ``programme`` (see
        :func:`make_organization`).
    params : dict
        The options the organisation was generated with.
    """

    people: pd.DataFrame
    emails: pd.DataFrame
    chat: pd.DataFrame
    survey: pd.DataFrame
    activity: pd.DataFrame
    adoption: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["person_id", "timestamp"]))
    truth: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    #: The names of the five tables every organisation has, in the order :meth:`write` writes
    #: them (``adoption`` follows when there is one).
    TABLES: ClassVar[tuple[str, ...]] = ("people", "emails", "chat", "survey", "activity")

    def __repr__(self) -> str:
        n_dept = self.people["department"].nunique()
        return (f"Organization({len(self.people)} people, {n_dept} departments, "
                f"{len(self.emails)} emails, {len(self.chat)} chat messages)")

    def write(self, directory: str | Path) -> Path:
        """Write the tables as plain UTF-8 CSV files, plus ``truth.json``.

        Files: ``people.csv`` (with ``person_id`` as first column), ``emails.csv``, ``chat.csv``,
        ``survey.csv``, ``activity.csv``, ``adoption.csv`` (when there is an adoption table) and
        ``truth.json`` (the planted answer and the generation options). Missing values are
        empty cells, ``hire_date`` (and ``leave_date``) are ``YYYY-MM-DD``, ``active`` is
        ``true``/``false``.

        Parameters
        ----------
        directory : str or Path
            Created if needed; existing files of these names are replaced.

        Returns
        -------
        Path
            The directory.

        Notes
        -----
        Written with ``pyarrow.csv`` (about 1 s for the 100 MB mail log of 50,000 people).
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        people = self.people.reset_index()
        for col in ("hire_date", "leave_date"):
            if col in people.columns:
                people[col] = pd.to_datetime(people[col]).dt.strftime("%Y-%m-%d")
        tables = [("people", people), ("emails", self.emails), ("chat", self.chat),
                  ("survey", self.survey), ("activity", self.activity)]
        if len(self.adoption):
            tables.append(("adoption", self.adoption))
        for name, frame in tables:
            write_plain_csv(frame, out / f"{name}.csv")
        payload = {"truth": self.truth, "params": self.params}
        (out / "truth.json").write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
        return out

    @classmethod
    def read(cls, directory: str | Path) -> Organization:
        """Read an organisation written by :meth:`write` (the inverse of it).

        Parameters
        ----------
        directory : str or Path
            Holding ``people.csv``, ``emails.csv``, ``chat.csv``, ``survey.csv``,
            ``activity.csv`` and optionally ``adoption.csv`` and ``truth.json``.

        Returns
        -------
        Organization
            Identifiers and text stay strings (``dtype=str``); ``level`` and the activity counts
            are integers, ``hire_date`` datetime64, ``active`` bool; missing cells are NaN.

        Raises
        ------
        InputError
            When a file or one of its columns is missing.
        """
        root = Path(directory)
        tables = {name: _read_table(root / f"{name}.csv", columns)
                  for name, columns in COLUMNS.items() if name != "adoption"}
        if (root / "adoption.csv").is_file():
            tables["adoption"] = _read_table(root / "adoption.csv", COLUMNS["adoption"])
        else:
            tables["adoption"] = pd.DataFrame(columns=list(COLUMNS["adoption"]))
        people = tables["people"].set_index("person_id")
        people["level"] = people["level"].astype("int64")
        for col in ("hire_date", "leave_date"):
            if col in people.columns:
                people[col] = pd.to_datetime(people[col], format="%Y-%m-%d").astype("datetime64[ns]")
        people["active"] = people["active"].str.lower().eq("true")
        activity = tables["activity"]
        for col in ("posts", "comments", "reactions", "shares"):
            activity[col] = activity[col].astype("int64")
        truth_file = root / "truth.json"
        payload = json.loads(truth_file.read_text(encoding="utf-8")) if truth_file.is_file() else {}
        return cls(people=people, emails=tables["emails"], chat=tables["chat"],
                   survey=tables["survey"], activity=activity, adoption=tables["adoption"],
                   truth=payload.get("truth", {}), params=payload.get("params", {}))


def _read_table(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """One CSV file as text columns: the required ``columns``, then the optional ones present."""
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: column {missing[0]!r} not found; columns are: "
                         f"{', '.join(map(str, frame.columns))}")
    optional = [c for c in OPTIONAL_COLUMNS.get(path.stem, ()) if c in frame.columns]
    return frame[list(columns) + optional]


#: Optional columns kept when present (``leave_date``: people who left, with a timeline).
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {"people": ("leave_date",)}

#: The columns of each file.
COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("person_id", "department", "name", "email", "manager_id", "title", "location",
               "level", "hire_date", "active"),
    "emails": ("event_id", "timestamp", "sender", "recipients", "cc"),
    "chat": ("source", "target", "timestamp", "channel"),
    "survey": ("person_id", "survey_enthusiasm", "volunteer", "opt_out"),
    "activity": ("person_id", "posts", "comments", "reactions", "shares"),
    "adoption": ("person_id", "timestamp"),
}


def load_sample() -> Organization:
    """Load the bundled sample organisation (300 people, 8 departments, 3 months, a launch).

    It is synthetic, made by ``make_organization(**SAMPLE_OPTIONS)`` (see
    ``data/samples/README.md`` for the command and every column), and small enough to explore
    in a notebook: about 2,700 mails and 1,800 chat messages, and the adoption of a behaviour
    the programme launched on 17 February 2025 promotes.

    Returns
    -------
    Organization
        The tables as read from the CSV files (see :meth:`Organization.read`), with
        ``truth`` and ``params``.

    Examples
    --------
    >>> org = load_sample()
    >>> org.people.loc["P00001", "email"].endswith("@example.com")
    True
    >>> sorted(org.people["department"].unique())[:3]
    ['Customer Support', 'Engineering', 'Finance']
    """
    return Organization.read(_sample_dir())


def sample_paths() -> dict[str, Path]:
    """Paths of the bundled sample's files, to hand to the readers or the command line.

    Returns
    -------
    dict of str to Path
        ``people, emails, chat, survey, activity``, ``adoption`` (CSV files) and ``truth``
        (JSON), all existing files.

    Raises
    ------
    InputError
        When the sample is not installed (neither in the package nor in the repository).

    Examples
    --------
    >>> paths = sample_paths()
    >>> sorted(paths)
    ['activity', 'adoption', 'chat', 'emails', 'people', 'survey', 'truth']
    >>> paths["people"].name
    'people.csv'
    """
    root = _sample_dir()
    paths = {name: root / f"{name}.csv" for name in (*Organization.TABLES, "adoption")}
    paths["truth"] = root / "truth.json"
    return {name: path for name, path in paths.items() if path.is_file()}


def _sample_dir() -> Path:
    """The sample's folder: inside the installed package, else the repository's data/samples."""
    from importlib import resources

    try:
        bundled = resources.files("ambassadors") / "_sample"
        if bundled.is_dir() and (bundled / "people.csv").is_file():
            return Path(str(bundled))
    except (ModuleNotFoundError, TypeError, OSError):  # pragma: no cover - odd loaders
        pass
    repo = Path(__file__).resolve().parents[3] / "data" / "samples"
    if (repo / "people.csv").is_file():
        return repo
    raise InputError(f"the bundled sample was not found (looked in ambassadors/_sample and {repo})")


