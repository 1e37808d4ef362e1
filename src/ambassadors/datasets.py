"""Synthetic organisations: a realistic, reproducible stand-in for real HR and mail data.

This stage sits *before* the pipeline: it makes the five input tables an analyst would export
(HR roster, mail log, chat log, survey, social-network activity) for an organisation that never
existed, with a known answer planted in it. :func:`make_organization` generates them from a seed,
fully vectorised (50,000 people and several million sender -> recipient pairs in seconds), and
:func:`load_sample` reads the small bundled sample (300 people, 8 departments, 3 months). Both
return an :class:`Organization`, whose tables go to :mod:`ambassadors.io` readers as they are
(:meth:`Organization.write` writes them as the CSV files those readers take).

Everything here is synthetic: names come from a short built-in list, addresses end in
``@example.com``, and no message has content.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ambassadors.errors import InfeasibleError, InputError

__all__ = [
    "Organization", "make_organization", "load_sample", "sample_paths", "LIKERT", "SAMPLE_OPTIONS",
]

#: Survey answers, from 1 (``"Strongly disagree"``) to 5 (``"Strongly agree"``).
LIKERT: tuple[str, ...] = (
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
)

#: The options that made the bundled sample (``data/samples``); see its README.
SAMPLE_OPTIONS: dict[str, Any] = {
    "n_people": 300,
    "n_departments": 8,
    "months": 3,
    "seed": 0,
    "messages_per_month": 3.0,
    "chats_per_month": 2.0,
}

_DEPARTMENTS = (
    "Engineering", "Sales", "Operations", "Customer Support", "Marketing", "Finance", "Product",
    "Human Resources", "Legal", "IT", "Research", "Procurement", "Logistics", "Communications",
    "Facilities", "Quality",
)
_FIRST = (
    "Anna", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Karin",
    "Liam", "Maya", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Samir", "Tara", "Umar", "Vera",
    "Wei", "Ximena", "Yusuf", "Zoë", "Aisha", "Bruno", "Carla", "Dmitri", "Emma", "Felix", "Greta",
    "Hana", "Ivan", "José", "Kenji", "Lena", "Marco", "Nadia", "Oscar", "Priya", "Renée", "Sven",
    "Tomás", "Ursula", "Victor", "Wanda", "Yara", "Zain",
)
_LAST = (
    "Adams", "Becker", "Costa", "Dubois", "Evans", "Fischer", "García", "Hansen", "Ito", "Jensen",
    "Kowalski", "Larsen", "Martin", "Nowak", "Okafor", "Petrov", "Quinn", "Rossi", "Schmidt",
    "Tanaka", "Urban", "Varga", "Weber", "Xu", "Young", "Zimmermann", "Ahmed", "Brown", "Chen",
    "Dias", "Eriksson", "Fernández", "Gupta", "Horvat", "Ivanova", "Jones", "Kim", "Lopez",
    "Müller", "Novak", "Olsen", "Patel", "Ruiz", "Silva", "Taylor", "Unger", "Vogel", "Wilson",
    "Yilmaz", "Zhang", "Moreau", "Lindqvist", "Kaur", "Mensah", "Sato", "Bauer", "Romano",
    "Hughes", "Kovač", "Nielsen",
)
_STAFF_TITLES = (
    "Analyst", "Specialist", "Senior Specialist", "Associate", "Coordinator", "Senior Analyst",
)
# city, share of people, fixed UTC offset in minutes (standard time; no daylight saving)
_CITIES = (
    ("London", 0.26, 0), ("Berlin", 0.20, 60), ("Paris", 0.16, 60), ("Madrid", 0.13, 60),
    ("Warsaw", 0.13, 60), ("New York", 0.12, -300),
)
_DISTRIBUTION_LISTS = ("all-staff@example.com", "news@example.com")
_EXTERNAL_DOMAINS = ("clientco.com", "supplier.net", "partner-firm.org", "gmail.com")

# Where a message's recipient is drawn from: (team, department, other department); the rest of
# the probability mass after team + department is "other department".
_MAIL_MIX = {
    "staff": (0.55, 0.36), "manager": (0.45, 0.46), "head": (0.30, 0.62), "ceo": (0.80, 0.12),
    "broker": (0.25, 0.25), "connector": (0.20, 0.20),
}
_CHAT_MIX = {
    "staff": (0.70, 0.23), "manager": (0.60, 0.32), "head": (0.40, 0.52), "ceo": (0.85, 0.10),
    "broker": (0.30, 0.25), "connector": (0.25, 0.25),
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
    truth : dict
        What was planted: ``connectors`` (one enthusiastic cross-department connector per
        department), ``brokers`` (cross-department connectors who are not especially
        enthusiastic), ``enthusiasts`` (enthusiastic but ordinarily connected),
        ``department_heads``, ``ceo``, ``distribution_lists``, ``external_addresses``. Person
        lists are person_ids in string order.
    params : dict
        The options the organisation was generated with.
    """

    people: pd.DataFrame
    emails: pd.DataFrame
    chat: pd.DataFrame
    survey: pd.DataFrame
    activity: pd.DataFrame
    truth: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    #: The names of the five tables, in the order :meth:`write` writes them.
    TABLES: ClassVar[tuple[str, ...]] = ("people", "emails", "chat", "survey", "activity")

    def __repr__(self) -> str:
        n_dept = self.people["department"].nunique()
        return (f"Organization({len(self.people)} people, {n_dept} departments, "
                f"{len(self.emails)} emails, {len(self.chat)} chat messages)")

    def write(self, directory: str | Path) -> Path:
        """Write the tables as plain UTF-8 CSV files, plus ``truth.json``.

        Files: ``people.csv`` (with ``person_id`` as first column), ``emails.csv``, ``chat.csv``,
        ``survey.csv``, ``activity.csv`` and ``truth.json`` (the planted answer and the
        generation options). Missing values are empty cells, ``hire_date`` is ``YYYY-MM-DD``,
        ``active`` is ``true``/``false``.

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
        people["hire_date"] = pd.to_datetime(people["hire_date"]).dt.strftime("%Y-%m-%d")
        for name, frame in [("people", people), ("emails", self.emails), ("chat", self.chat),
                            ("survey", self.survey), ("activity", self.activity)]:
            _write_csv(frame, out / f"{name}.csv")
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
            ``activity.csv`` and optionally ``truth.json``.

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
        tables: dict[str, pd.DataFrame] = {}
        for name, columns in _COLUMNS.items():
            path = root / f"{name}.csv"
            if not path.is_file():
                raise InputError(f"{path}: file not found")
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""],
                                encoding="utf-8")
            missing = [c for c in columns if c not in frame.columns]
            if missing:
                raise InputError(f"{path}: column {missing[0]!r} not found; columns are: "
                                 f"{', '.join(map(str, frame.columns))}")
            tables[name] = frame[list(columns)]
        people = tables["people"].set_index("person_id")
        people["level"] = people["level"].astype("int64")
        people["hire_date"] = pd.to_datetime(people["hire_date"], format="%Y-%m-%d").astype(
            "datetime64[ns]")
        people["active"] = people["active"].str.lower().eq("true")
        activity = tables["activity"]
        for col in ("posts", "comments", "reactions", "shares"):
            activity[col] = activity[col].astype("int64")
        truth_file = root / "truth.json"
        payload = json.loads(truth_file.read_text(encoding="utf-8")) if truth_file.is_file() else {}
        return cls(people=people, emails=tables["emails"], chat=tables["chat"],
                   survey=tables["survey"], activity=activity,
                   truth=payload.get("truth", {}), params=payload.get("params", {}))


_COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("person_id", "department", "name", "email", "manager_id", "title", "location",
               "level", "hire_date", "active"),
    "emails": ("event_id", "timestamp", "sender", "recipients", "cc"),
    "chat": ("source", "target", "timestamp", "channel"),
    "survey": ("person_id", "survey_enthusiasm", "volunteer", "opt_out"),
    "activity": ("person_id", "posts", "comments", "reactions", "shares"),
}


def load_sample() -> Organization:
    """Load the bundled sample organisation (300 people, 8 departments, 3 months).

    It is synthetic, made by ``make_organization(**SAMPLE_OPTIONS)`` (see
    ``data/samples/README.md`` for the command and every column), and small enough to explore
    in a notebook: about 2,700 mails and 1,800 chat messages.

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
        ``people, emails, chat, survey, activity`` (CSV files) and ``truth`` (JSON), all
        existing files.

    Raises
    ------
    InputError
        When the sample is not installed (neither in the package nor in the repository).

    Examples
    --------
    >>> paths = sample_paths()
    >>> sorted(paths)
    ['activity', 'chat', 'emails', 'people', 'survey', 'truth']
    >>> paths["people"].name
    'people.csv'
    """
    root = _sample_dir()
    paths = {name: root / f"{name}.csv" for name in Organization.TABLES}
    paths["truth"] = root / "truth.json"
    return paths


def _sample_dir() -> Path:
    """The sample's folder: inside the installed package, else the repository's data/samples."""
    from importlib import resources

    try:
        bundled = resources.files("ambassadors") / "_sample"
        if bundled.is_dir() and (bundled / "people.csv").is_file():
            return Path(str(bundled))
    except (ModuleNotFoundError, TypeError, OSError):  # pragma: no cover - odd loaders
        pass
    repo = Path(__file__).resolve().parents[2] / "data" / "samples"
    if (repo / "people.csv").is_file():
        return repo
    raise InputError(f"the bundled sample was not found (looked in ambassadors/_sample and {repo})")


def make_organization(
    n_people: int = 300,
    n_departments: int = 8,
    months: float = 3,
    *,
    seed: int = 0,
    messages_per_month: float = 10.0,
    chats_per_month: float = 5.0,
    start: str = "2025-01-06",
) -> Organization:
    """Generate a realistic synthetic organisation with a known answer planted in it.

    The organisation has a CEO, ``n_departments`` departments of skewed sizes (weights
    :math:`\\propto k^{-0.9}` for the k-th department, at least 3 people each), each with a head
    (level 1) reporting to the CEO, managers (level 2, about one per 8 people) reporting to the
    head, and staff (level 3) in their managers' teams. Every person *i* has an activity
    :math:`a_i \\sim \\mathrm{LogNormal}(0, 1)` (clipped at 25 times the median), so a few people
    send a lot. Mails: person *i* sends :math:`\\mathrm{Poisson}(a_i \\cdot m \\cdot r)` messages
    (*m* months, *r* = ``messages_per_month``), each to :math:`1 + \\mathrm{Poisson}(0.6)` people
    (5 % of messages add 3-10 more) and, in 30 % of them, :math:`1 + \\mathrm{Poisson}(0.5)` in
    cc. Each recipient is drawn, proportionally to :math:`\\sqrt{a_j}`, from the sender's own
    team (staff: 55 %), department (36 %) or another department (9 %), so ties are dense inside
    departments and sparse across. Heads send department broadcasts, two distribution lists
    that are not in HR send company-wide mails to 50-500 people, and a few external addresses
    send and receive mail. Chat follows the same model with more weight on the team.

    Planted answer (``truth``): in each department one **connector**, a manager or staff member
    with a top-1 % mail activity, 60 % of recipients in other departments, a 15-fold weight as a
    cross-department recipient, the top survey answer and heavy social-network activity; a
    handful of **brokers** (business partners: many cross-department ties, ordinary
    enthusiasm); and **enthusiasts** (top survey answers and activity, ordinary ties).

    Parameters
    ----------
    n_people : int, default 300
        Number of people in HR, at least ``3 * n_departments + 1``.
    n_departments : int, default 8
        Departments, at least 2. Named ``"Engineering", "Sales", ...`` then ``"Dept 17"``, ...
    months : float, default 3
        Length of the period covered by mail and chat.
    seed : int, default 0
        Seed of every random choice: the same arguments give identical tables.
    messages_per_month, chats_per_month : float
        Average mails sent and chat messages sent per person per month (before the broadcasts).
    start : str, default ``"2025-01-06"``
        First day of the period (a date; mails fall on weekdays, business hours, local time).

    Returns
    -------
    Organization
        ``people, emails, chat, survey, activity, truth, params``.

    Raises
    ------
    InputError
        When an option is not a positive number.
    InfeasibleError
        When there are too few people to staff every department.

    Examples
    --------
    >>> org = make_organization(200, 5, months=1, seed=1)
    >>> len(org.people), org.people["department"].nunique()
    (200, 5)
    >>> len(org.truth["connectors"])
    5
    >>> org.people.loc[org.truth["connectors"], "department"].is_unique
    True

    Notes
    -----
    Vectorised with numpy and pyarrow: time and memory grow linearly with the number of
    (message, recipient) pairs, about ``n_people * months * (2.3 * messages_per_month +
    chats_per_month)``. 50,000 people over 3 months (1.5 million mails, 4.1 million pairs) take
    about 6 s of CPU and 1 GB of memory (``bench/make_org.py``); writing them (210 MB of CSV)
    takes 1-2 s.

    References
    ----------
    The tie model (dense teams, few bridges) follows Granovetter, M. (1973). The strength of weak
    ties. *American Journal of Sociology* 78(6), 1360-1380, and Burt, R. S. (1992). *Structural
    Holes*. Harvard University Press.
    """
    _check_options(n_people, n_departments, months, messages_per_month, chats_per_month)
    rng = np.random.default_rng(seed)
    try:
        start_day = np.datetime64(pd.Timestamp(start).date(), "D")
    except (TypeError, ValueError) as exc:
        raise InputError(f"make_organization: start must be a date, got {start!r}") from exc
    roster = _make_roster(rng, int(n_people), int(n_departments), start_day)
    roles = _plant_roles(rng, roster)
    emails = _make_emails(rng, roster, roles, months, messages_per_month, start_day)
    chat = _make_chat(rng, roster, roles, months, chats_per_month, start_day)
    survey, activity = _make_signals(rng, roster, roles, months)
    ids = roster["ids"]
    heads = roster["heads"]
    truth = {
        "connectors": sorted(ids[roles["connectors"]].tolist()),
        "brokers": sorted(ids[roles["brokers"]].tolist()),
        "enthusiasts": sorted(ids[roles["enthusiasts"]].tolist()),
        "department_heads": {roster["labels"][d]: str(ids[h]) for d, h in enumerate(heads)},
        "ceo": str(ids[roster["ceo"]]),
        "distribution_lists": list(_DISTRIBUTION_LISTS),
        "external_addresses": sorted(roster["external"].tolist()),
    }
    params = {"n_people": int(n_people), "n_departments": int(n_departments),
              "months": months, "seed": seed, "messages_per_month": messages_per_month,
              "chats_per_month": chats_per_month, "start": str(start_day)}
    return Organization(people=roster["people"], emails=emails, chat=chat, survey=survey,
                        activity=activity, truth=truth, params=params)


# --------------------------------------------------------------------------------------------
# roster


def _check_options(n_people: Any, n_departments: Any, months: Any, mail: Any, chat: Any) -> None:
    for name, value, integer in [("n_people", n_people, True), ("n_departments", n_departments, True),
                                 ("months", months, False), ("messages_per_month", mail, False),
                                 ("chats_per_month", chat, False)]:
        ok = isinstance(value, (int, np.integer)) if integer else isinstance(
            value, (int, float, np.integer, np.floating))
        if isinstance(value, bool) or not ok or not np.isfinite(value) or value < 0 \
                or (value == 0 and name in ("n_people", "n_departments", "months")):
            kind = "a positive integer" if integer else "a positive number"
            raise InputError(f"make_organization: {name} must be {kind}, got {value!r}")
    if n_departments < 2:
        raise InputError(f"make_organization: n_departments must be at least 2, got {n_departments}")
    if n_people < 3 * n_departments + 1:
        raise InfeasibleError(
            f"make_organization: {n_people} people cannot staff {n_departments} departments "
            f"(a head, a manager and a staff member each, plus the CEO: at least "
            f"{3 * n_departments + 1})")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _make_roster(rng: np.random.Generator, n: int, n_dept: int, start_day: np.datetime64) -> dict:
    """People, hierarchy and the arrays the message generators need (all indexed by person)."""
    labels = [(_DEPARTMENTS[k] if k < len(_DEPARTMENTS) else f"Dept {k + 1}") for k in range(n_dept)]
    # skewed department sizes: 3 each, the rest multinomial with weights k^-0.9
    weights = np.arange(1, n_dept + 1, dtype=float) ** -0.9
    sizes = 3 + rng.multinomial(n - 1 - 3 * n_dept, weights / weights.sum())

    perm = rng.permutation(n)  # person index of the k-th seat; ids are not grouped by department
    ceo = perm[0]
    dept = np.empty(n, dtype=np.int64)
    level = np.full(n, 3, dtype=np.int64)
    manager = np.full(n, -1, dtype=np.int64)
    is_manager = np.zeros(n, dtype=bool)
    dept[ceo] = 0
    level[ceo] = 1
    seats = perm[1:]
    seat_dept = np.repeat(np.arange(n_dept), sizes)
    dept[seats] = seat_dept
    first_seat = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    heads = seats[first_seat]
    level[heads] = 1
    manager[heads] = ceo
    n_managers = np.maximum(1, np.rint((sizes - 1) / 8)).astype(np.int64)
    # managers are the seats right after the head; staff follow
    rank_in_dept = np.arange(n - 1) - np.repeat(first_seat, sizes)
    seat_is_manager = (rank_in_dept >= 1) & (rank_in_dept <= np.repeat(n_managers, sizes))
    seat_is_staff = rank_in_dept > np.repeat(n_managers, sizes)
    managers = seats[seat_is_manager]
    is_manager[managers] = True
    level[managers] = 2
    manager[managers] = heads[dept[managers]]
    staff = seats[seat_is_staff]
    staff_dept = dept[staff]
    # a staff member reports to a random manager of the department
    mgr_first = first_seat + 1
    pick = (rng.random(len(staff)) * n_managers[staff_dept]).astype(np.int64)
    manager[staff] = seats[mgr_first[staff_dept] + pick]

    # team key: staff -> their manager, others -> themselves
    team = np.arange(n)
    team[staff] = manager[staff]

    # names and unique e-mails
    n_first, n_last = len(_FIRST), len(_LAST)
    fi = rng.integers(n_first, size=n)
    li = rng.integers(n_last, size=n)
    first = np.array(_FIRST, dtype=object)[fi]
    last = np.array(_LAST, dtype=object)[li]
    name = first + " " + last
    key = fi * n_last + li
    order = np.argsort(key, kind="stable")
    sk = key[order]
    group_start = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1]])
    occurrence = np.empty(n, dtype=np.int64)
    occurrence[order] = np.arange(n) - np.repeat(group_start, np.diff(np.r_[group_start, n]))
    suffix = (occurrence + 1).astype(str).astype(object)
    suffix[occurrence == 0] = ""
    local = (np.array([_ascii(x) for x in _FIRST], dtype=object)[fi] + "."
             + np.array([_ascii(x) for x in _LAST], dtype=object)[li] + suffix)
    email = local + "@example.com"

    width = max(5, len(str(n)))
    ids = np.char.add("P", np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)

    label_arr = np.array(labels, dtype=object)
    title = np.array(_STAFF_TITLES, dtype=object)[rng.integers(len(_STAFF_TITLES), size=n)]
    title[managers] = label_arr[dept[managers]] + " Manager"
    title[heads] = "Head of " + label_arr[dept[heads]]
    title[ceo] = "Chief Executive Officer"

    # location: each department has a home city (60 %), the rest follow the company's mix
    city_share = np.array([c[1] for c in _CITIES])
    home = np.arange(n_dept) % len(_CITIES)
    city = rng.choice(len(_CITIES), size=n, p=city_share / city_share.sum())
    at_home = rng.random(n) < 0.6
    city[at_home] = home[dept[at_home]]
    location = np.array([c[0] for c in _CITIES], dtype=object)[city]
    offset_min = np.array([c[2] for c in _CITIES], dtype=np.int64)[city]

    # tenure: executives longer on average
    tenure_days = np.rint(rng.gamma(2.0, 700.0, size=n) * np.where(level == 3, 1.0, 1.6))
    tenure_days = np.clip(tenure_days, 30, 30 * 365).astype(np.int64)
    hire_date = (start_day - tenure_days.astype("timedelta64[D]")).astype("datetime64[ns]")
    active = np.ones(n, dtype=bool)
    leavers = staff[rng.random(len(staff)) < 0.02]
    active[leavers] = False

    manager_id = ids[np.maximum(manager, 0)].astype(object)
    manager_id[manager < 0] = np.nan
    people = pd.DataFrame({
        "department": label_arr[dept],
        "name": name,
        "email": email,
        "manager_id": manager_id,
        "title": title,
        "location": location,
        "level": level,
        "hire_date": hire_date,
        "active": active,
    }, index=pd.Index(ids, name="person_id"))
    people = _infer_text(people)

    n_ext = min(20, 5 + n // 2000)
    ext_first = np.array([_ascii(x) for x in _FIRST], dtype=object)[rng.integers(n_first, size=n_ext)]
    ext_last = np.array([_ascii(x) for x in _LAST], dtype=object)[rng.integers(n_last, size=n_ext)]
    ext_dom = np.array(_EXTERNAL_DOMAINS, dtype=object)[np.arange(n_ext) % len(_EXTERNAL_DOMAINS)]
    external = np.unique(ext_first + "." + ext_last + "@" + ext_dom)

    # activity (how much one mails / chats), heavy-tailed; the clip keeps planted people on top
    act = rng.lognormal(0.0, 1.0, size=n)
    act = np.minimum(act, 25.0 * np.median(act))
    act[~active] *= 0.1
    return {
        "n": n, "labels": labels, "sizes": sizes, "dept": dept, "team": team, "level": level,
        "is_manager": is_manager, "heads": heads, "ceo": ceo, "active": active, "ids": ids,
        "email": email.astype(object), "offset_min": offset_min, "act": act, "people": people,
        "external": external,
    }


def _plant_roles(rng: np.random.Generator, r: dict) -> dict:
    """Choose connectors (one per department), brokers and enthusiasts among active non-heads."""
    n, dept = r["n"], r["dept"]
    eligible = r["active"] & (r["level"] >= 2)
    key = np.where(eligible, rng.random(n), np.inf)
    order = np.lexsort((key, dept))
    first = np.flatnonzero(np.r_[True, dept[order][1:] != dept[order][:-1]])
    connectors = order[first]
    connectors = connectors[eligible[connectors]]
    taken = np.zeros(n, dtype=bool)
    taken[connectors] = True
    n_dept = len(r["labels"])
    rest = np.flatnonzero(eligible & ~taken)
    n_brokers = min(len(rest) // 4, max(2, n_dept // 2))
    brokers = np.sort(rng.choice(rest, size=n_brokers, replace=False))
    taken[brokers] = True
    rest = np.flatnonzero(eligible & ~taken)
    n_enth = min(len(rest) // 4, max(n_dept, n // 50))
    enthusiasts = np.sort(rng.choice(rest, size=n_enth, replace=False))
    role = np.full(n, "staff", dtype=object)
    role[r["is_manager"]] = "manager"
    role[r["heads"]] = "head"
    role[r["ceo"]] = "ceo"
    role[brokers] = "broker"
    role[connectors] = "connector"
    r["people"].loc[r["ids"][brokers], "title"] = "Business Partner"
    # connectors: mail a lot (top 1 %); brokers somewhat more than most
    act = r["act"]
    act[connectors] = np.quantile(act, 0.99) * 1.2
    act[brokers] = np.maximum(act[brokers], np.quantile(act, 0.8))
    return {"connectors": np.sort(connectors), "brokers": brokers, "enthusiasts": enthusiasts,
            "role": role}


# --------------------------------------------------------------------------------------------
# recipients


class _Picker:
    """Draw recipients from a sender's team, department or another department, vectorised.

    People are laid out sorted by (department, team); every team and department is a
    contiguous range, so a weighted draw inside a range is one ``searchsorted`` on the
    cumulative weights.
    """

    def __init__(self, r: dict, roles: dict, mix: dict[str, tuple[float, float]]) -> None:
        n = r["n"]
        dept, team = r["dept"], r["team"]
        self.order = np.lexsort((np.arange(n), team, dept))
        self.pos = np.empty(n, dtype=np.int64)
        self.pos[self.order] = np.arange(n)
        recv = np.sqrt(r["act"]) + 1e-3
        self.cw = np.cumsum(recv[self.order])
        cross = recv.copy()
        cross[roles["connectors"]] *= 15.0
        cross[roles["brokers"]] *= 6.0
        self.cwx = np.cumsum(cross[self.order])
        sd, st = dept[self.order], team[self.order]
        self.team_lo, self.team_hi = self._ranges(n, st, sd)
        self.dept_lo, self.dept_hi = self._ranges(n, sd)
        self.execs = np.concatenate([[r["ceo"]], r["heads"]])
        self.is_exec = np.zeros(n, dtype=bool)
        self.is_exec[self.execs] = True
        p_team = np.empty(n)
        p_dept = np.empty(n)
        for role, (pt, pd_) in mix.items():
            mask = roles["role"] == role
            p_team[mask] = pt
            p_dept[mask] = pd_
        self.p_team, self.p_dept = p_team, p_dept

    def _ranges(self, n: int, *keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per person (by person index): [lo, hi) of its group in the sorted layout."""
        change = np.zeros(n, dtype=bool)
        change[0] = True
        for k in keys:
            change[1:] |= k[1:] != k[:-1]
        starts = np.flatnonzero(change)
        ends = np.r_[starts[1:], n]
        group = np.cumsum(change) - 1
        lo = np.empty(n, dtype=np.int64)
        hi = np.empty(n, dtype=np.int64)
        lo[self.order] = starts[group]
        hi[self.order] = ends[group]
        return lo, hi

    def _weighted(self, rng: np.random.Generator, cw: np.ndarray, lo: np.ndarray,
                  hi: np.ndarray) -> np.ndarray:
        base = np.where(lo > 0, cw[np.maximum(lo - 1, 0)], 0.0)
        top = cw[hi - 1]
        u = base + rng.random(len(lo)) * (top - base)
        return np.clip(np.searchsorted(cw, u, side="right"), lo, hi - 1)

    def pick(self, rng: np.random.Generator, senders: np.ndarray) -> np.ndarray:
        """One recipient (person index, never the sender) per entry of ``senders``."""
        u = rng.random(len(senders))
        pt, pdp = self.p_team[senders], self.p_dept[senders]
        exec_sender = self.is_exec[senders]
        team_lo, team_hi = self.team_lo[senders], self.team_hi[senders]
        lo, hi = self.dept_lo[senders], self.dept_hi[senders]
        in_team = (u < pt) & ~exec_sender & (team_hi - team_lo > 1)
        lo = np.where(in_team, team_lo, lo)
        hi = np.where(in_team, team_hi, hi)
        pos = self._weighted(rng, self.cw, lo, hi)
        # the sender drew itself: take the next person of the same range
        self_pick = pos == self.pos[senders]
        pos[self_pick] = lo[self_pick] + (pos[self_pick] - lo[self_pick] + 1) % (
            hi[self_pick] - lo[self_pick])
        out = self.order[pos]

        # executives' "team" is the executive committee (CEO and heads, across departments)
        ex = exec_sender & (u < pt)
        if ex.any():
            k = len(self.execs)
            j = rng.integers(k, size=int(ex.sum()))
            cand = self.execs[j]
            cand = np.where(cand == senders[ex], self.execs[(j + 1) % k], cand)
            out[ex] = cand

        # another department: weighted over everyone outside the sender's department
        cross = u >= pt + pdp
        if cross.any():
            s = senders[cross]
            d_lo, d_hi = self.dept_lo[s], self.dept_hi[s]
            c_lo = np.where(d_lo > 0, self.cwx[np.maximum(d_lo - 1, 0)], 0.0)
            c_hi = self.cwx[d_hi - 1]
            v = rng.random(len(s)) * (self.cwx[-1] - (c_hi - c_lo))
            v = np.where(v >= c_lo, v + (c_hi - c_lo), v)
            p = np.clip(np.searchsorted(self.cwx, v, side="right"), 0, len(self.cwx) - 1)
            out[cross] = self.order[p]
        return out


# --------------------------------------------------------------------------------------------
# timestamps


def _local_times(rng: np.random.Generator, size: int, start_day: np.datetime64,
                 months: float) -> np.ndarray:
    """Local wall-clock times (datetime64[s]) on weekdays, in business hours."""
    days = np.arange(start_day, start_day + max(1, int(round(months * 30.44))))
    weekdays = days[np.is_busday(days)]
    if len(weekdays) == 0:
        weekdays = days
    day = weekdays[rng.integers(len(weekdays), size=size)].astype("datetime64[s]")
    hours = np.clip(rng.normal(12.5, 2.3, size=size), 7.0, 20.5)
    return day + (hours * 3600).astype("timedelta64[s]")


def _iso(local: np.ndarray, offset_min: np.ndarray) -> pa.Array:
    """ISO 8601 strings with offset, e.g. ``2025-01-06T09:13:22+01:00``."""
    text = pa.array(np.datetime_as_string(local.astype("datetime64[s]"), unit="s"), type=pa.string())
    codes, inverse = np.unique(offset_min, return_inverse=True)
    labels = [f"{'+' if m >= 0 else '-'}{abs(m) // 60:02d}:{abs(m) % 60:02d}" for m in codes]
    offsets = pa.array(labels, type=pa.string()).take(pa.array(inverse.ravel(), type=pa.int64()))
    return pc.binary_join_element_wise(text, offsets, "")


def _utc_sort_key(local: np.ndarray, offset_min: np.ndarray) -> np.ndarray:
    return local.astype("datetime64[s]").astype(np.int64) - offset_min * 60


# --------------------------------------------------------------------------------------------
# mail


def _make_emails(rng: np.random.Generator, r: dict, roles: dict, months: float,
                 per_month: float, start_day: np.datetime64) -> pd.DataFrame:
    n = r["n"]
    picker = _Picker(r, roles, _MAIL_MIX)
    act = r["act"]
    # addresses: people 0..n-1, then distribution lists, then external
    addresses = np.concatenate([r["email"], np.array(_DISTRIBUTION_LISTS, dtype=object),
                                r["external"]])
    dl0, ext0 = n, n + len(_DISTRIBUTION_LISTS)
    n_ext = len(r["external"])

    # 1. ordinary mail from people
    counts = rng.poisson(act / act.mean() * months * per_month)
    sender = np.repeat(np.arange(n), counts)
    m1 = len(sender)
    n_to = 1 + rng.poisson(0.6, size=m1)
    many = rng.random(m1) < 0.05
    n_to[many] += rng.integers(3, 11, size=int(many.sum()))
    n_cc = np.where(rng.random(m1) < 0.3, 1 + rng.poisson(0.5, size=m1), 0)
    msg_to = np.repeat(np.arange(m1), n_to)
    msg_cc = np.repeat(np.arange(m1), n_cc)
    slot_msg = np.concatenate([msg_to, msg_cc])
    slot_cc = np.concatenate([np.zeros(len(msg_to), bool), np.ones(len(msg_cc), bool)])
    slot_addr = picker.pick(rng, sender[slot_msg])
    # 1 % of mails copy an external address
    ext_cc = np.flatnonzero(rng.random(m1) < 0.01)
    slot_msg = np.concatenate([slot_msg, ext_cc])
    slot_cc = np.concatenate([slot_cc, np.ones(len(ext_cc), bool)])
    slot_addr = np.concatenate([slot_addr, ext0 + rng.integers(n_ext, size=len(ext_cc))])
    msg_sender = sender.copy()
    msg_offset = r["offset_min"][sender]

    # 2. department broadcasts: each head, about every two weeks, to (up to 500 of) their dept
    heads = r["heads"]
    n_b = rng.poisson(months * 2, size=len(heads))
    b_sender = np.repeat(heads, n_b)
    b_dept = r["dept"][b_sender]
    b_k = np.minimum(r["sizes"][b_dept], rng.integers(50, 501, size=len(b_sender)))
    b_msg = m1 + np.repeat(np.arange(len(b_sender)), b_k)
    lo = picker.dept_lo[b_sender]
    hi = picker.dept_hi[b_sender]
    rep_lo, rep_size = np.repeat(lo, b_k), np.repeat(hi - lo, b_k)
    b_addr = picker.order[rep_lo + (rng.random(len(b_msg)) * rep_size).astype(np.int64)]
    m2 = m1 + len(b_sender)

    # 3. distribution lists (not in HR): company-wide mail to 50-500 active people
    n_dl = rng.poisson(months * np.array([4.0, 2.0]))
    d_sender = np.repeat(dl0 + np.arange(len(_DISTRIBUTION_LISTS)), n_dl)
    active_idx = np.flatnonzero(r["active"])
    d_k = np.minimum(len(active_idx), rng.integers(50, 501, size=len(d_sender)))
    d_msg = m2 + np.repeat(np.arange(len(d_sender)), d_k)
    d_addr = active_idx[rng.integers(len(active_idx), size=len(d_msg))]
    m3 = m2 + len(d_sender)

    # 4. external senders writing to one person (0.3 % of ordinary mail)
    n_x = max(1, int(round(0.003 * m1)))
    x_sender = ext0 + rng.integers(n_ext, size=n_x)
    x_msg = m3 + np.arange(n_x)
    x_addr = rng.integers(n, size=n_x)
    m = m3 + n_x

    slot_msg = np.concatenate([slot_msg, b_msg, d_msg, x_msg])
    slot_cc = np.concatenate([slot_cc, np.zeros(len(b_msg) + len(d_msg) + n_x, bool)])
    slot_addr = np.concatenate([slot_addr, b_addr, d_addr, x_addr])
    msg_sender = np.concatenate([msg_sender, b_sender, d_sender, x_sender])
    msg_offset = np.concatenate([msg_offset, r["offset_min"][b_sender],
                                 np.zeros(len(d_sender) + n_x, np.int64)])

    # one address at most once per message (to wins over cc), never the sender
    keep = slot_addr != msg_sender[slot_msg]
    slot_msg, slot_cc, slot_addr = slot_msg[keep], slot_cc[keep], slot_addr[keep]
    n_addr = len(addresses)
    order = np.lexsort((slot_cc, slot_addr, slot_msg))
    key = slot_msg[order] * n_addr + slot_addr[order]
    first = np.r_[True, key[1:] != key[:-1]]
    order = np.sort(order[first])  # back to slot order: recipients keep their drawn order
    slot_msg, slot_cc, slot_addr = slot_msg[order], slot_cc[order], slot_addr[order]
    # group by message, to before cc (stable: keeps the drawn order inside each list)
    order = np.lexsort((slot_cc, slot_msg))
    slot_msg, slot_cc, slot_addr = slot_msg[order], slot_cc[order], slot_addr[order]

    n_to_final = np.bincount(slot_msg[~slot_cc], minlength=m)
    n_cc_final = np.bincount(slot_msg[slot_cc], minlength=m)
    addr_text = pa.array(addresses.tolist(), type=pa.string())
    to_lists = _join(addr_text, slot_addr[~slot_cc], n_to_final)
    cc_lists = _join(addr_text, slot_addr[slot_cc], n_cc_final)
    cc_lists = pc.if_else(pa.array(n_cc_final > 0), cc_lists, pa.scalar(None, pa.string()))

    local = _local_times(rng, m, start_day, months)
    utc = _utc_sort_key(local, msg_offset)
    valid = n_to_final > 0
    order = np.flatnonzero(valid)[np.argsort(utc[valid], kind="stable")]
    width = max(6, len(str(len(order))))
    event_id = np.char.add("E", np.char.zfill(np.arange(1, len(order) + 1).astype(str), width))
    take = pa.array(order)
    return pd.DataFrame({
        "event_id": _text(event_id),
        "timestamp": _text(_iso(local[order], msg_offset[order])),
        "sender": _text(addr_text.take(pa.array(msg_sender[order]))),
        "recipients": _text(to_lists.take(take)),
        "cc": _text(cc_lists.take(take)),
    })


def _join(text: pa.Array, values: np.ndarray, counts: np.ndarray) -> pa.Array:
    """``;``-join the addresses of each message (consecutive runs of ``values``)."""
    offsets = np.r_[0, np.cumsum(counts)].astype(np.int32 if len(values) < 2**31 else np.int64)
    lists = pa.ListArray.from_arrays(pa.array(offsets), text.take(pa.array(values)))
    return pc.binary_join(lists, ";")


# --------------------------------------------------------------------------------------------
# chat and signals


def _make_chat(rng: np.random.Generator, r: dict, roles: dict, months: float, per_month: float,
               start_day: np.datetime64) -> pd.DataFrame:
    picker = _Picker(r, roles, _CHAT_MIX)
    act = r["act"]
    counts = rng.poisson(act / act.mean() * months * per_month)
    source = np.repeat(np.arange(r["n"]), counts)
    target = picker.pick(rng, source)
    offset = r["offset_min"][source]
    local = _local_times(rng, len(source), start_day, months)
    order = np.argsort(_utc_sort_key(local, offset), kind="stable")
    ids = pa.array(r["ids"].tolist(), type=pa.string())
    return pd.DataFrame({
        "source": _text(ids.take(pa.array(source[order]))),
        "target": _text(ids.take(pa.array(target[order]))),
        "timestamp": _text(_iso(local[order], offset[order])),
        "channel": _text(pa.array(["chat"]).take(pa.array(np.zeros(len(order), np.int64)))),
    })


def _make_signals(rng: np.random.Generator, r: dict, roles: dict,
                  months: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    n, ids = r["n"], r["ids"]
    planted = np.zeros(n, dtype=bool)
    planted[roles["connectors"]] = True
    planted[roles["enthusiasts"]] = True
    # latent enthusiasm z drives the survey answer, volunteering and social-network activity
    z = rng.normal(size=n)
    z[planted] = 2.5
    answer = np.clip(np.rint(3.0 + 0.9 * z + rng.normal(0, 0.6, size=n)), 1, 5).astype(np.int64)
    answer[planted] = 5
    text = np.array(LIKERT, dtype=object)[answer - 1]
    text[(rng.random(n) < 0.3) & ~planted] = np.nan
    u = rng.random(n)
    p_yes = 0.05 + 0.15 * (z > 1)
    volunteer = np.full(n, np.nan, dtype=object)
    volunteer[u > 0.9] = "no"
    volunteer[u < p_yes] = "yes"
    volunteer[planted] = "yes"
    opt_out = np.full(n, np.nan, dtype=object)
    opt_out[(rng.random(n) < 0.02) & ~planted] = "yes"
    survey = _infer_text(pd.DataFrame({
        "person_id": ids,
        "survey_enthusiasm": text,
        "volunteer": volunteer,
        "opt_out": opt_out,
    }))

    noise = rng.normal(0.0, 1.0, size=n)
    noise[planted] = 2.0
    lam = 3.0 * months * np.exp(0.8 * z + noise)
    has_account = (rng.random(n) < 0.9) | planted
    counts = {name: rng.poisson(lam * rate) for name, rate in
              [("posts", 0.3), ("comments", 0.8), ("reactions", 2.5), ("shares", 0.2)]}
    activity = pd.DataFrame({"person_id": ids, **counts})
    activity = activity.loc[has_account].reset_index(drop=True)
    activity = _infer_text(activity)
    for col in counts:
        activity[col] = activity[col].astype("int64")
    return survey, activity


def _infer_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Give object columns (and index) the text dtype that ``read_csv(dtype=str)`` gives."""
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = _text(frame[col].to_numpy(dtype=object))
    if frame.index.dtype == object:
        frame.index = pd.Index(_text(frame.index.to_numpy(dtype=object)), name=frame.index.name)
    return frame


def _text(values: np.ndarray | pa.Array) -> Any:
    """A text column as ``read_csv(dtype=str)`` makes it: ``str`` (pandas 3) or object (pandas 2),
    missing values NaN."""
    if not isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = pa.array(np.asarray(values, dtype=object), type=pa.string(), from_pandas=True)
    if _TEXT_DTYPE == object:
        out = values.to_numpy(zero_copy_only=False).astype(object)
        out[pc.is_null(values).to_numpy(zero_copy_only=False)] = np.nan
        return out
    return pa.table({"x": values}).to_pandas()["x"].array


# pandas 3 reads text as the "str" dtype, pandas 2 as object: generate what read_csv gives.
_TEXT_DTYPE = pd.read_csv(__import__("io").StringIO("a\nx\n"), dtype=str)["a"].dtype


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    try:
        # plain cells when nothing needs quoting (generated data has no commas, quotes or newlines)
        with open(path, "wb") as sink:
            sink.write((",".join(map(str, frame.columns)) + "\n").encode("utf-8"))
            pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False,
                                                            quoting_style="none"))
    except pa.ArrowInvalid:
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))
