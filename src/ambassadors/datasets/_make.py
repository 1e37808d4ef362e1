""":func:`make_organization`: the five input tables (and a programme timeline) from a seed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ambassadors.datasets._mail import make_chat, make_emails
from ambassadors.datasets._organization import Organization
from ambassadors.datasets._roster import DISTRIBUTION_LISTS, check_options, make_roster, plant_roles
from ambassadors.datasets._signals import make_signals
from ambassadors.datasets._timeline import plant_timeline
from ambassadors.errors import InputError

__all__ = ["make_organization"]


def make_organization(
    n_people: int = 300,
    n_departments: int = 8,
    months: float = 3,
    *,
    seed: int = 0,
    messages_per_month: float = 10.0,
    chats_per_month: float = 5.0,
    start: str = "2025-01-06",
    launch: str | None = None,
    effect: bool = True,
    timeline_mail: bool = True,
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

    Timeline (with ``launch``): the connectors are the ambassadors of a programme launched on
    that day, and an ``adoption`` table records the behaviour it promotes. With ``effect=True``
    the programme works (after the launch the ambassadors send as much mail again to
    random people of other departments, and colleagues with a tie to an ambassador before the
    launch adopt 3 times as fast), one ambassador falls silent half-way through the time after
    the launch and another leaves at 60 % of it (``active`` false, ``leave_date``). With
    ``effect=False`` nothing changes at or after the launch. ``truth["programme"]`` records
    the launch, the ambassadors, the silent and departed ones, the hazard ratio and the
    number of adopters (see ``ambassadors.datasets._timeline``).

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
    launch : str, optional
        Day the ambassador programme starts (after ``start``, before the end of the period).
        Without it there is no timeline and the tables are exactly those of earlier versions.
    effect : bool, default True
        Plant the programme's effect and the two changes (see above); False: nothing changes.
    timeline_mail : bool, default True
        False leaves mail and chat those of the organisation without a programme (only the
        adoption table carries the timeline), as in the bundled sample.

    Returns
    -------
    Organization
        ``people, emails, chat, survey, activity, adoption, truth, params``.

    Raises
    ------
    InputError
        When an option is not a positive number, or the launch is not inside the period.
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
    check_options(n_people, n_departments, months, messages_per_month, chats_per_month)
    rng = np.random.default_rng(seed)
    start_day = _day(start, "start")
    launch_day = None if launch is None else _day(launch, "launch")
    n_days = max(1, int(round(months * 30.44)))
    if launch_day is not None and not start_day < launch_day < start_day + n_days:
        raise InputError(f"make_organization: launch {launch_day} is not inside the period "
                         f"{start_day} - {start_day + n_days - 1}")
    roster = make_roster(rng, int(n_people), int(n_departments), start_day)
    roster["mail_per_month"] = float(messages_per_month)
    roles = plant_roles(rng, roster)
    mail = make_emails(rng, roster, roles, months, messages_per_month, start_day)
    chat = make_chat(rng, roster, roles, months, chats_per_month, start_day)
    survey, activity = make_signals(rng, roster, roles, months)
    emails, chat_table = mail.table, chat.table
    adoption = pd.DataFrame(columns=["person_id", "timestamp"])
    programme = None
    if launch_day is not None:
        # a stream of its own: the tables without a timeline stay exactly what they were
        emails, chat_table, adoption, programme = plant_timeline(
            np.random.default_rng([seed, 18]), roster, roles, mail, chat, launch=launch_day,
            start_day=start_day, months=months, effect=bool(effect), timeline_mail=bool(timeline_mail))
    ids = roster["ids"]
    heads = roster["heads"]
    truth = {
        "connectors": sorted(ids[roles["connectors"]].tolist()),
        "brokers": sorted(ids[roles["brokers"]].tolist()),
        "enthusiasts": sorted(ids[roles["enthusiasts"]].tolist()),
        "department_heads": {roster["labels"][d]: str(ids[h]) for d, h in enumerate(heads)},
        "ceo": str(ids[roster["ceo"]]),
        "distribution_lists": list(DISTRIBUTION_LISTS),
        "external_addresses": sorted(roster["external"].tolist()),
    }
    params = {"n_people": int(n_people), "n_departments": int(n_departments),
              "months": months, "seed": seed, "messages_per_month": messages_per_month,
              "chats_per_month": chats_per_month, "start": str(start_day)}
    if programme is not None:
        truth["programme"] = programme
        params.update(launch=str(launch_day), effect=bool(effect), timeline_mail=bool(timeline_mail))
    return Organization(people=roster["people"], emails=emails, chat=chat_table, survey=survey,
                        activity=activity, adoption=adoption, truth=truth, params=params)


def _day(value: object, name: str) -> np.datetime64:
    try:
        return np.datetime64(pd.Timestamp(value).date(), "D")
    except (TypeError, ValueError) as exc:
        raise InputError(f"make_organization: {name} must be a date, got {value!r}") from exc

