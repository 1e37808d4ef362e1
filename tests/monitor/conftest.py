"""Planted-effect and no-effect organisations with a programme timeline, monitored once."""

from __future__ import annotations

import pytest

from ambassadors.datasets import Organization, make_organization
from ambassadors.io import read_interactions, read_people
from ambassadors.monitor import Trajectory, monitor

#: 2,000 people, 8 departments, 12 months, launch half-way: large enough that the planted
#: effects are clear and small enough for the test suite (checked offline on 20 seeds of each
#: variant, see the report of issue 18).
ORG_OPTIONS = {"n_people": 2000, "n_departments": 8, "months": 12, "start": "2025-01-01",
               "launch": "2025-07-01", "messages_per_month": 6, "chats_per_month": 3}


def _monitored(org: Organization) -> Trajectory:
    people = read_people(org.people.reset_index()).table
    logs = [read_interactions(org.emails, people=people), read_interactions(org.chat, people=people)]
    return monitor(people, logs, org.truth["programme"]["ambassadors"], launch=ORG_OPTIONS["launch"],
                   adoption=org.adoption)


@pytest.fixture(scope="session")
def planted_org() -> Organization:
    return make_organization(**ORG_OPTIONS, seed=1)


@pytest.fixture(scope="session")
def planted(planted_org) -> Trajectory:
    return _monitored(planted_org)


@pytest.fixture(scope="session")
def null_org() -> Organization:
    return make_organization(**ORG_OPTIONS, seed=1, effect=False)


@pytest.fixture(scope="session")
def null(null_org) -> Trajectory:
    return _monitored(null_org)
