"""The sample organisation generator: reproducible, realistic, with a discoverable answer."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ambassadors.datasets import (
    LIKERT,
    SAMPLE_OPTIONS,
    Organization,
    load_sample,
    make_organization,
    sample_paths,
)
from ambassadors.errors import InfeasibleError, InputError

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.fixture(scope="module")
def org() -> Organization:
    return make_organization(600, 6, 2, seed=7, messages_per_month=6, chats_per_month=3)


def mail_pairs(org: Organization) -> pd.DataFrame:
    """(event_id, source, target, field) with e-mail addresses, one row per recipient."""
    e = org.emails
    parts = []
    for column in ("recipients", "cc"):
        part = e.loc[e[column].notna(), ["event_id", "sender"]].copy()
        part["target"] = e.loc[e[column].notna(), column].str.split(";")
        part = part.explode("target")
        part["field"] = column
        parts.append(part)
    return pd.concat(parts, ignore_index=True).rename(columns={"sender": "source"})


def person_pairs(org: Organization) -> pd.DataFrame:
    """Mail and chat pairs between people of the roster (person_ids)."""
    by_email = pd.Series(org.people.index, index=org.people["email"])
    mail = mail_pairs(org)
    mail = pd.DataFrame({"source": mail["source"].map(by_email),
                         "target": mail["target"].map(by_email)}).dropna()
    return pd.concat([mail, org.chat[["source", "target"]]], ignore_index=True)


def cross_ties(org: Organization) -> pd.DataFrame:
    """Per person: distinct people reached in other departments (either direction) and
    the number of other departments reached."""
    pairs = person_pairs(org)
    both = pd.concat([pairs, pairs.rename(columns={"source": "target", "target": "source"})])
    both = both.drop_duplicates()
    dept = org.people["department"]
    both["sd"] = dept.reindex(both["source"]).to_numpy()
    both["td"] = dept.reindex(both["target"]).to_numpy()
    cross = both[both["sd"] != both["td"]]
    out = pd.DataFrame({
        "people": cross.groupby("source").size(),
        "departments": cross.groupby("source")["td"].nunique(),
    }).reindex(org.people.index, fill_value=0)
    out["department"] = dept
    return out


def assert_same(a: Organization, b: Organization) -> None:
    for name in (*Organization.TABLES, "adoption"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)
    assert a.truth == b.truth


# ---------------------------------------------------------------------------------------------
# reproducibility


def test_same_seed_gives_identical_tables():
    a = make_organization(250, 5, 1, seed=3)
    b = make_organization(250, 5, 1, seed=3)
    assert_same(a, b)


def test_different_seeds_differ():
    a = make_organization(250, 5, 1, seed=3)
    b = make_organization(250, 5, 1, seed=4)
    assert not a.people["name"].equals(b.people["name"])
    assert not a.emails["recipients"].equals(b.emails["recipients"])
    assert a.truth["connectors"] != b.truth["connectors"]


# ---------------------------------------------------------------------------------------------
# roster


def test_people_schema_and_ids(org):
    people = org.people
    assert people.index.name == "person_id"
    assert list(people.columns) == ["department", "name", "email", "manager_id", "title",
                                    "location", "level", "hire_date", "active"]
    assert people.index.is_unique and people.index.is_monotonic_increasing
    assert people.index.str.fullmatch(r"P\d{5}").all()
    assert people["email"].is_unique
    assert people["email"].str.fullmatch(r"[a-z]+\.[a-z]+\d*@example\.com").all()
    assert set(people["level"]) == {1, 2, 3}
    assert pd.api.types.is_datetime64_any_dtype(people["hire_date"])
    assert (people["hire_date"] < pd.Timestamp(org.params["start"])).all()
    assert people["active"].dtype == bool
    assert 0 < (~people["active"]).sum() < 0.1 * len(people)


def test_hierarchy_is_a_tree_with_one_head_per_department(org):
    people = org.people
    ceo = people.index[people["manager_id"].isna()]
    assert list(ceo) == [org.truth["ceo"]]
    managers = people["manager_id"].dropna()
    assert managers.isin(people.index).all()
    # everyone reaches the CEO in at most 3 steps: staff -> manager -> head -> CEO
    up = people["manager_id"]
    chain = pd.Series(people.index, index=people.index)
    for _ in range(3):
        chain = chain.map(lambda pid: up.get(pid) if isinstance(up.get(pid), str) else pid)
    assert (chain == org.truth["ceo"]).all()
    heads = people[(people["level"] == 1) & people["manager_id"].notna()]
    assert heads["department"].is_unique
    assert set(heads["department"]) == set(people["department"])
    assert (heads["manager_id"] == org.truth["ceo"]).all()
    assert dict(zip(heads["department"], heads.index, strict=True)) == org.truth["department_heads"]
    # managers report to the head of their department, staff to a manager of theirs
    boss = people.loc[people["manager_id"].dropna()].set_axis(people["manager_id"].dropna().index)
    lower = people.loc[boss.index]
    not_heads = lower["level"] > 1
    assert (boss.loc[not_heads, "department"] == lower.loc[not_heads, "department"]).all()
    assert (boss.loc[not_heads, "level"] == lower.loc[not_heads, "level"] - 1).all()


def test_department_sizes_are_skewed(org):
    sizes = org.people["department"].value_counts()
    assert len(sizes) == 6
    assert sizes.max() >= 2.5 * sizes.min()
    assert sizes.min() >= 3


def test_many_departments_get_numbered_labels():
    org = make_organization(200, 20, 1, seed=1)
    labels = set(org.people["department"])
    assert len(labels) == 20
    assert {"Engineering", "Sales", "Dept 17", "Dept 20"} <= labels


# ---------------------------------------------------------------------------------------------
# mail and chat


def test_ties_are_dense_inside_departments(org):
    pairs = person_pairs(org)
    dept = org.people["department"]
    within = (dept.reindex(pairs["source"]).to_numpy() == dept.reindex(pairs["target"]).to_numpy())
    by_chance = ((dept.value_counts() / len(dept)) ** 2).sum()
    assert within.mean() > 0.7
    assert within.mean() > 3 * by_chance
    assert within.mean() < 0.97  # but departments do talk to each other


def test_mail_activity_is_heavy_tailed(org):
    sent = org.emails["sender"].value_counts()
    top_tenth = sent.head(len(org.people) // 10).sum()
    assert top_tenth > 0.3 * sent.sum()
    assert sent.max() > 5 * sent.median()


def test_broadcasts_distribution_lists_and_external_addresses(org):
    pairs = mail_pairs(org)
    size = pairs.groupby("event_id").size()
    assert (size >= 50).sum() >= 3
    assert size.max() <= 500
    hr = set(org.people["email"])
    lists = org.truth["distribution_lists"]
    assert lists and not set(lists) & hr
    dl_mail = org.emails[org.emails["sender"].isin(lists)]
    assert len(dl_mail) > 0
    assert (size.reindex(dl_mail["event_id"]) >= 50).all()
    everyone = set(pairs["source"]) | set(pairs["target"])
    external = {a for a in everyone if not a.endswith("@example.com")}
    assert external and external <= set(org.truth["external_addresses"])


def test_messages_are_well_formed(org):
    e = org.emails
    assert list(e.columns) == ["event_id", "timestamp", "sender", "recipients", "cc"]
    assert e["event_id"].is_unique
    assert e["recipients"].notna().all()
    assert 0.1 < e["cc"].notna().mean() < 0.6  # cc is often empty
    pairs = mail_pairs(org)
    assert not (pairs["source"] == pairs["target"]).any()
    assert not pairs.duplicated(["event_id", "target"]).any()  # nobody twice in one mail
    stamps = pd.to_datetime(e["timestamp"], utc=True, format="ISO8601")
    assert stamps.notna().all() and stamps.is_monotonic_increasing
    assert e["timestamp"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d").all()
    start = pd.Timestamp(org.params["start"], tz="UTC")
    assert stamps.min() >= start - pd.Timedelta(hours=6)
    assert stamps.max() <= start + pd.Timedelta(days=31 * org.params["months"] + 1)


def test_chat_is_an_edge_list_of_roster_people(org):
    chat = org.chat
    assert list(chat.columns) == ["source", "target", "timestamp", "channel"]
    assert chat["source"].isin(org.people.index).all()
    assert chat["target"].isin(org.people.index).all()
    assert (chat["source"] != chat["target"]).all()
    assert (chat["channel"] == "chat").all()
    assert pd.to_datetime(chat["timestamp"], utc=True, format="ISO8601").notna().all()


# ---------------------------------------------------------------------------------------------
# signals


def test_survey_answers(org):
    survey = org.survey
    assert list(survey.columns) == ["person_id", "survey_enthusiasm", "volunteer", "opt_out"]
    assert survey["person_id"].tolist() == org.people.index.tolist()
    answers = survey["survey_enthusiasm"]
    assert 0.22 < answers.isna().mean() < 0.38
    assert set(answers.dropna()) == set(LIKERT)
    assert set(survey["volunteer"].dropna()) == {"yes", "no"}
    assert survey["volunteer"].isna().mean() > 0.6
    assert set(survey["opt_out"].dropna()) == {"yes"}
    assert 0 < survey["opt_out"].notna().sum() < 0.06 * len(survey)


def test_social_network_activity_is_heavy_tailed(org):
    act = org.activity
    assert list(act.columns) == ["person_id", "posts", "comments", "reactions", "shares"]
    assert act["person_id"].isin(org.people.index).all()
    assert 0.8 * len(org.people) < len(act) < len(org.people)  # some never used it
    total = act[["posts", "comments", "reactions", "shares"]].sum(axis=1).sort_values()
    assert (total >= 0).all()
    assert total.tail(len(total) // 10).sum() > 0.4 * total.sum()


# ---------------------------------------------------------------------------------------------
# the planted answer


def _connector_facts(org: Organization) -> pd.DataFrame:
    ties = cross_ties(org)
    act = org.activity.set_index("person_id").sum(axis=1).reindex(org.people.index, fill_value=0)
    facts = ties.assign(activity=act)
    facts["cross_rank"] = facts.groupby("department")["people"].rank(ascending=False, method="min")
    facts["activity_rank"] = facts.groupby("department")["activity"].rank(ascending=False,
                                                                          method="min")
    return facts


@pytest.mark.parametrize("seed", [0, 11])
def test_connectors_are_top_cross_department_and_enthusiastic(seed):
    org = make_organization(500, 7, 2, seed=seed, messages_per_month=5, chats_per_month=3)
    connectors = org.truth["connectors"]
    people = org.people.loc[connectors]
    assert people["department"].is_unique and people["department"].nunique() == 7
    assert people["active"].all() and (people["level"] > 1).all()
    facts = _connector_facts(org).loc[connectors]
    n_other = 6
    assert (facts["cross_rank"] <= 2).all(), facts
    assert (facts["departments"] >= n_other - 1).all(), facts
    assert (facts["activity_rank"] <= 5).all(), facts
    survey = org.survey.set_index("person_id").loc[connectors]
    assert (survey["survey_enthusiasm"] == "Strongly agree").all()
    assert survey["opt_out"].isna().all()


def test_enthusiasts_and_brokers_are_what_they_claim(org):
    facts = _connector_facts(org)
    enthusiasts = org.truth["enthusiasts"]
    brokers = org.truth["brokers"]
    survey = org.survey.set_index("person_id")["survey_enthusiasm"]
    assert (survey.loc[enthusiasts] == "Strongly agree").all()
    # enthusiasts are ordinarily connected: fewer cross ties than their department's connector
    conn = facts.loc[org.truth["connectors"]].set_index("department")["people"]
    ent = facts.loc[enthusiasts]
    assert (ent["people"].to_numpy() < conn.reindex(ent["department"]).to_numpy()).all()
    # brokers reach more people in other departments than most of their department
    assert (facts.loc[brokers, "cross_rank"] <= 5).all()
    assert not set(enthusiasts) & set(brokers) and not set(brokers) & set(org.truth["connectors"])


# ---------------------------------------------------------------------------------------------
# properties over seeds and sizes


@settings(deadline=None, max_examples=8)
@given(n=st.integers(13, 400), d=st.integers(2, 12), seed=st.integers(0, 2**31),
       months=st.sampled_from([0.5, 1, 2]))
def test_invariants_hold_for_any_valid_size(n, d, seed, months):
    if n < 3 * d + 1:
        with pytest.raises(InfeasibleError):
            make_organization(n, d, months, seed=seed)
        return
    org = make_organization(n, d, months, seed=seed)
    people = org.people
    assert len(people) == n and people["department"].nunique() == d
    assert people["email"].is_unique and people.index.is_unique
    assert people["manager_id"].isna().sum() == 1
    assert people["manager_id"].dropna().isin(people.index).all()
    assert (people.groupby("department")["level"].min() == 1).all()
    assert len(org.truth["connectors"]) == d
    pairs = mail_pairs(org)
    assert not (pairs["source"] == pairs["target"]).any()
    assert not pairs.duplicated(["event_id", "target"]).any()
    assert org.chat["source"].ne(org.chat["target"]).all()
    assert set(org.survey["survey_enthusiasm"].dropna()) <= set(LIKERT)


def test_write_and_read_round_trip(tmp_path):
    org = make_organization(120, 4, 1, seed=5)
    out = org.write(tmp_path / "org")
    names = {p.name for p in out.iterdir()}
    assert names == {"people.csv", "emails.csv", "chat.csv", "survey.csv", "activity.csv",
                     "truth.json"}
    assert_same(org, Organization.read(out))
    text = (out / "people.csv").read_text(encoding="utf-8")
    assert text.startswith("person_id,department,name,email,manager_id,")


def test_read_names_the_missing_column(tmp_path):
    org = make_organization(120, 4, 1, seed=5)
    out = org.write(tmp_path)
    pd.read_csv(out / "chat.csv").drop(columns="target").to_csv(out / "chat.csv", index=False)
    with pytest.raises(InputError, match="chat.csv: column 'target' not found"):
        Organization.read(out)
    org.write(out)
    (out / "survey.csv").unlink()
    with pytest.raises(InputError, match="survey.csv"):
        Organization.read(out)


def test_a_few_thousand_people_scale_linearly():
    org = make_organization(2000, 12, 1, seed=2)
    assert len(org.people) == 2000
    # about 10 mails per person per month, and a few recipients each
    assert 15_000 < len(org.emails) < 25_000
    assert len(mail_pairs(org)) > 2 * len(org.emails)
    assert len(org.truth["external_addresses"]) >= 5


@pytest.mark.parametrize("kwargs, error", [
    ({"n_people": 20, "n_departments": 8}, InfeasibleError),
    ({"n_departments": 1}, InputError),
    ({"months": 0}, InputError),
    ({"months": -1}, InputError),
    ({"n_people": 12.5}, InputError),
    ({"messages_per_month": float("nan")}, InputError),
    ({"start": "not a date"}, InputError),
])
def test_bad_options_are_refused(kwargs, error):
    with pytest.raises(error, match="make_organization"):
        make_organization(**kwargs)


# ---------------------------------------------------------------------------------------------
# the bundled sample


def test_load_sample_matches_the_files():
    sample = load_sample()
    raw = pd.read_csv(SAMPLES / "people.csv", dtype=str)
    assert sample.people.index.tolist() == raw["person_id"].tolist()
    assert sample.people["email"].tolist() == raw["email"].tolist()
    assert sample.people["level"].tolist() == raw["level"].astype(int).tolist()
    emails = pd.read_csv(SAMPLES / "emails.csv", dtype=str)
    pd.testing.assert_frame_equal(sample.emails, emails, check_dtype=False)
    for name in ("chat", "survey"):
        pd.testing.assert_frame_equal(getattr(sample, name),
                                      pd.read_csv(SAMPLES / f"{name}.csv", dtype=str),
                                      check_dtype=False)
    truth = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))
    assert sample.truth == truth["truth"]
    assert sample.params == SAMPLE_OPTIONS | {"start": "2025-01-06", "effect": True}
    pd.testing.assert_frame_equal(sample.adoption, pd.read_csv(SAMPLES / "adoption.csv", dtype=str),
                                  check_dtype=False)


def test_sample_is_small_and_as_documented():
    files = sorted(p.name for p in SAMPLES.iterdir())
    assert files == ["README.md", "activity.csv", "adoption.csv", "chat.csv", "emails.csv",
                     "people.csv", "survey.csv", "truth.json"]
    assert sum(p.stat().st_size for p in SAMPLES.iterdir()) < 800_000
    sample = load_sample()
    assert len(sample.people) == 300 and sample.people["department"].nunique() == 8
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in readme.lower()
    for name in (*Organization.TABLES, "adoption"):
        frame = getattr(sample, name)
        for column in ([frame.index.name] if name == "people" else []) + list(frame.columns):
            assert f"`{column}`" in readme, (name, column)


def test_sample_is_what_the_documented_command_makes():
    # fails when the generator changed without regenerating data/samples (see its README)
    assert_same(load_sample(), make_organization(**SAMPLE_OPTIONS))


def test_sample_paths_point_at_the_files_load_sample_reads():
    paths = sample_paths()
    assert set(paths) == {"people", "emails", "chat", "survey", "activity", "adoption", "truth"}
    assert all(p.is_file() for p in paths.values())
    people = pd.read_csv(paths["people"], dtype=str).set_index("person_id")
    assert people.index.equals(load_sample().people.index)


# ---------------------------------------------------------------------------------------------
# the programme timeline


@pytest.fixture(scope="module")
def launched() -> Organization:
    return make_organization(600, 4, 6, seed=3, messages_per_month=4, chats_per_month=2,
                             start="2025-01-01", launch="2025-04-01")


def _sent_after(org: Organization, person: str, when: str) -> int:
    email = org.people.loc[person, "email"]
    ts = pd.to_datetime(org.emails["timestamp"], utc=True)
    mail = ((org.emails["sender"] == email) & (ts >= pd.Timestamp(when, tz="UTC"))).sum()
    cts = pd.to_datetime(org.chat["timestamp"], utc=True)
    chat = ((org.chat["source"] == person) & (cts >= pd.Timestamp(when, tz="UTC"))).sum()
    return int(mail + chat)


def test_without_a_launch_there_is_no_timeline():
    org = make_organization(200, 4, 1, seed=2)
    assert org.adoption.empty and "programme" not in org.truth
    assert "leave_date" not in org.people.columns


def test_timeline_mail_false_and_no_effect_leave_the_network_as_it_was():
    base = make_organization(300, 4, 4, seed=5)
    for kwargs in ({"timeline_mail": False}, {"effect": False}):
        org = make_organization(300, 4, 4, seed=5, launch="2025-03-03", **kwargs)
        for name in Organization.TABLES:
            pd.testing.assert_frame_equal(getattr(org, name), getattr(base, name), obj=name)
        assert len(org.adoption) > 0


def test_the_silent_ambassador_stops_sending_and_the_departed_one_leaves(launched):
    prog = launched.truth["programme"]
    assert set(prog["ambassadors"]) == set(launched.truth["connectors"])
    (silent,), (departed,) = prog["silent"], prog["departed"]
    assert silent != departed
    assert _sent_after(launched, silent, prog["launch"]) > 0
    assert _sent_after(launched, silent, prog["silent_from"]) == 0
    assert _sent_after(launched, departed, prog["left_on"]) == 0
    row = launched.people.loc[departed]
    assert not row["active"] and row["leave_date"] == pd.Timestamp(prog["left_on"])
    assert launched.people["leave_date"].notna().sum() == 1
    assert launched.emails["event_id"].is_unique
    ts = pd.to_datetime(launched.emails["timestamp"], utc=True)
    assert ts.is_monotonic_increasing


def test_ambassadors_bridge_more_after_the_launch(launched):
    prog = launched.truth["programme"]
    pairs = mail_pairs(launched)
    by_email = pd.Series(launched.people.index, index=launched.people["email"])
    dept = launched.people["department"]
    when = pd.to_datetime(launched.emails.set_index("event_id")["timestamp"], utc=True)
    pairs["after"] = (when.reindex(pairs["event_id"]) >= pd.Timestamp(prog["launch"], tz="UTC")).to_numpy()
    pairs["s"] = pairs["source"].map(by_email)
    pairs["t"] = pairs["target"].map(by_email)
    pairs = pairs.dropna(subset=["s", "t"])
    amb = pairs[pairs["s"].isin(prog["ambassadors"])]
    cross = dept.reindex(amb["s"]).to_numpy() != dept.reindex(amb["t"]).to_numpy()
    share = pd.Series(cross).groupby(amb["after"].to_numpy()).mean()
    assert share[True] > share[False] + 0.1


def test_adoption_is_first_occurrences_of_active_people(launched):
    prog = launched.truth["programme"]
    adoption = launched.adoption
    assert set(adoption.columns) == {"person_id", "timestamp"}
    assert adoption["person_id"].nunique() == prog["adopters"]
    assert adoption["person_id"].isin(launched.people.index).all()
    first = pd.to_datetime(adoption["timestamp"], utc=True).groupby(adoption["person_id"]).min()
    launch = pd.Timestamp(prog["launch"], tz="UTC")
    amb = first.reindex(prog["ambassadors"])
    assert amb.notna().all() and ((amb >= launch) & (amb < launch + pd.Timedelta("7D"))).all()
    assert (adoption["person_id"].value_counts() > 1).any()


def test_a_launch_outside_the_period_is_refused():
    with pytest.raises(InputError, match="launch"):
        make_organization(200, 4, 1, launch="2024-01-01")
    with pytest.raises(InputError, match="launch"):
        make_organization(200, 4, 1, launch="not a day")
