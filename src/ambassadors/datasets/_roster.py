"""The roster of a synthetic organisation: departments, hierarchy, names, places, tenure, and
the people planted in it (connectors, brokers, enthusiasts)."""

from __future__ import annotations

import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from ambassadors.datasets._tables import infer_text
from ambassadors.errors import InfeasibleError, InputError

__all__ = ["DISTRIBUTION_LISTS", "check_options", "make_roster", "plant_roles"]

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
_EXTERNAL_DOMAINS = ("clientco.com", "supplier.net", "partner-firm.org", "gmail.com")

#: Mailing lists that are not in HR (they send company-wide mail).
DISTRIBUTION_LISTS = ("all-staff@example.com", "news@example.com")


def check_options(n_people: Any, n_departments: Any, months: Any, mail: Any, chat: Any) -> None:
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


def make_roster(rng: np.random.Generator, n: int, n_dept: int, start_day: np.datetime64) -> dict:
    """People, hierarchy and the arrays the message generators need (all indexed by person)."""
    labels = [(_DEPARTMENTS[k] if k < len(_DEPARTMENTS) else f"Dept {k + 1}") for k in range(n_dept)]
    # skewed department sizes: 3 each, the rest multinomial with weights k^-0.9
    weights = np.arange(1, n_dept + 1, dtype=float) ** -0.9
    sizes = 3 + rng.multinomial(n - 1 - 3 * n_dept, weights / weights.sum())
    h = _hierarchy(rng, n, sizes)
    name, email, fi, li = _names(rng, n)
    width = max(5, len(str(n)))
    ids = np.char.add("P", np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)
    dept, level = h["dept"], h["level"]
    managers, heads, ceo = h["managers"], h["heads"], h["ceo"]

    label_arr = np.array(labels, dtype=object)
    title = np.array(_STAFF_TITLES, dtype=object)[rng.integers(len(_STAFF_TITLES), size=n)]
    title[managers] = label_arr[dept[managers]] + " Manager"
    title[heads] = "Head of " + label_arr[dept[heads]]
    title[ceo] = "Chief Executive Officer"
    location, offset_min = _locations(rng, n, n_dept, dept)

    # tenure: executives longer on average
    tenure_days = np.rint(rng.gamma(2.0, 700.0, size=n) * np.where(level == 3, 1.0, 1.6))
    tenure_days = np.clip(tenure_days, 30, 30 * 365).astype(np.int64)
    hire_date = (start_day - tenure_days.astype("timedelta64[D]")).astype("datetime64[ns]")
    active = np.ones(n, dtype=bool)
    leavers = h["staff"][rng.random(len(h["staff"])) < 0.02]
    active[leavers] = False

    manager = h["manager"]
    manager_id = ids[np.maximum(manager, 0)].astype(object)
    manager_id[manager < 0] = np.nan
    people = pd.DataFrame({
        "department": label_arr[dept], "name": name, "email": email, "manager_id": manager_id,
        "title": title, "location": location, "level": level, "hire_date": hire_date,
        "active": active,
    }, index=pd.Index(ids, name="person_id"))
    people = infer_text(people)
    external = _external_addresses(rng, n)

    # activity (how much one mails / chats), heavy-tailed; the clip keeps planted people on top
    act = rng.lognormal(0.0, 1.0, size=n)
    act = np.minimum(act, 25.0 * np.median(act))
    act[~active] *= 0.1
    return {
        "n": n, "labels": labels, "sizes": sizes, "dept": dept, "team": h["team"], "level": level,
        "is_manager": h["is_manager"], "heads": heads, "ceo": ceo, "active": active, "ids": ids,
        "email": email.astype(object), "offset_min": offset_min, "act": act, "people": people,
        "external": external,
    }


def _hierarchy(rng: np.random.Generator, n: int, sizes: np.ndarray) -> dict:
    """Departments, levels, managers and teams: a CEO, a head per department, managers, staff."""
    n_dept = len(sizes)
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
    return {"ceo": ceo, "dept": dept, "level": level, "manager": manager, "is_manager": is_manager,
            "heads": heads, "managers": managers, "staff": staff, "team": team}


def _names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Full names and unique e-mail addresses (a digit is added to repeated names)."""
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
    return name, local + "@example.com", fi, li


def _locations(rng: np.random.Generator, n: int, n_dept: int,
               dept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Office city and its UTC offset: each department has a home city (60 %), the rest follow
    the company's mix."""
    city_share = np.array([c[1] for c in _CITIES])
    home = np.arange(n_dept) % len(_CITIES)
    city = rng.choice(len(_CITIES), size=n, p=city_share / city_share.sum())
    at_home = rng.random(n) < 0.6
    city[at_home] = home[dept[at_home]]
    location = np.array([c[0] for c in _CITIES], dtype=object)[city]
    offset_min = np.array([c[2] for c in _CITIES], dtype=np.int64)[city]
    return location, offset_min


def _external_addresses(rng: np.random.Generator, n: int) -> np.ndarray:
    """A few made-up addresses outside the organisation."""
    n_ext = min(20, 5 + n // 2000)
    ext_first = np.array([_ascii(x) for x in _FIRST], dtype=object)[rng.integers(len(_FIRST), size=n_ext)]
    ext_last = np.array([_ascii(x) for x in _LAST], dtype=object)[rng.integers(len(_LAST), size=n_ext)]
    ext_dom = np.array(_EXTERNAL_DOMAINS, dtype=object)[np.arange(n_ext) % len(_EXTERNAL_DOMAINS)]
    return np.unique(ext_first + "." + ext_last + "@" + ext_dom)


def plant_roles(rng: np.random.Generator, r: dict) -> dict:
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


