"""Tests of ambassadors.privacy: keyed pseudonyms, keys, re-identification, small-group masking."""

from __future__ import annotations

import ast
import hashlib
import hmac
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ambassadors.errors import InputError, PrivacyError
from ambassadors.graph import build_graph
from ambassadors.io.load_report import Loaded, LoadReport
from ambassadors.privacy import (
    _Pseudonymizer,
    load_key,
    mask_small,
    mask_small_groups,
    pseudonymize,
    pseudonymize_ids,
    reidentify,
)

KEY = b"k" * 16 + b"-test-key"
OTHER = b"another key of enough bytes"


def roster() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "department": ["Sales", "Sales", "Legal", "IT"],
            "name": ["Ann Lee", "Bo Kim", "Cy Ng", "Di Wu"],
            "email": ["ann@x.org", "bo@x.org", "cy@x.org", "di@x.org"],
            "manager_id": [None, "007", "007", "042"],
            "title": ["CEO", "Rep", "Counsel", "Dev"],
            "location": ["Paris", "Oslo", "Rome", "Oslo"],
            "level": [5, 2, 3, 2],
            "hire_date": pd.to_datetime(["2010-01-01", "2020-05-01", "2018-03-01", "2021-07-01"]),
            "active": [True, True, False, True],
        },
        index=pd.Index(["007", "042", "100", "7"], name="person_id"),
    )


def interactions(ids=("007", "042", "100", "7")) -> pd.DataFrame:
    cats = pd.CategoricalDtype(list(ids))
    return pd.DataFrame(
        {
            "source": pd.Series(["007", "042", "100", "7", "042"], dtype=cats),
            "target": pd.Series(["042", "007", "7", "100", "100"], dtype=cats),
            "timestamp": pd.to_datetime(["2024-01-0%d" % i for i in range(1, 6)], utc=True),
            "weight": [1.0, 0.5, 0.5, 1.0, 1.0],
            "channel": ["email", "email", "chat", "chat", "meeting"],
            "event_id": ["<m1@mail.x.org>", "<m2@mail.x.org>", "<m2@mail.x.org>", "c1", "mt1"],
            "subject": ["salary talk", "", "", "", ""],
        }
    )


def signals() -> pd.DataFrame:
    return pd.DataFrame(
        {"survey_enthusiasm": [5, 3, 4], "posts": [10, 0, 2], "opt_out": [False, False, True],
         "email": ["ann@x.org", "bo@x.org", "di@x.org"]},
        index=pd.Index(["007", "042", "7"], name="person_id"),
    )


# ---------------------------------------------------------------------------- keys


def test_no_default_key_anywhere():
    for call in (lambda: pseudonymize(roster()), lambda: pseudonymize(roster(), key=None),
                 lambda: reidentify(roster(), roster()), lambda: pseudonymize_ids(["1"])):
        with pytest.raises(PrivacyError, match="no pseudonymisation key"):
            call()


@pytest.mark.parametrize("bad", [b"", b"short", "x" * 15, b"\x00" * 15])
def test_short_keys_refused(bad):
    with pytest.raises(PrivacyError, match="at least 16"):
        pseudonymize(roster(), key=bad)


def test_key_types_and_str_bytes_equivalence():
    with pytest.raises(PrivacyError, match="bytes or str"):
        pseudonymize(roster(), key=12345678901234567890)
    as_text = pseudonymize(roster(), key="0123456789abcdef").people.index
    as_bytes = pseudonymize(roster(), key=b"0123456789abcdef").people.index
    assert list(as_text) == list(as_bytes)


def test_load_key_from_file_env_and_errors(tmp_path, monkeypatch):
    monkeypatch.delenv("AMBASSADORS_KEY", raising=False)
    secret = "0123456789abcdef0123456789abcdef"
    unix, dos = tmp_path / "unix.txt", tmp_path / "dos.txt"
    unix.write_bytes(secret.encode() + b"\n")
    dos.write_bytes(secret.encode() + b"\r\n")
    assert load_key(unix) == load_key(str(dos)) == secret.encode()

    with pytest.raises(PrivacyError) as info:
        load_key()
    message = str(info.value)
    assert "AMBASSADORS_KEY" in message and "token_hex" in message and "key.txt" in message

    monkeypatch.setenv("AMBASSADORS_KEY", secret)
    assert load_key() == secret.encode()
    # the file wins over the environment
    other = tmp_path / "other.txt"
    other.write_text("ffffffffffffffffffff")
    assert load_key(other) == b"ffffffffffffffffffff"
    monkeypatch.setenv("MY_KEY", "tiny")
    with pytest.raises(PrivacyError, match="at least 16"):
        load_key(env="MY_KEY")
    with pytest.raises(PrivacyError, match="cannot read"):
        load_key(tmp_path / "missing.txt")
    (tmp_path / "short.txt").write_text("abc\n")
    with pytest.raises(PrivacyError, match="short.txt"):
        load_key(tmp_path / "short.txt")
    # a key from the file, from the environment or given as text gives the same pseudonyms
    assert pseudonymize_ids(["007"], key=load_key(unix)) == pseudonymize_ids(["007"], key=secret)


# ---------------------------------------------------------------------------- pseudonymize


def test_pseudonyms_consistent_across_calls_and_files():
    whole = pseudonymize(roster(), interactions(), signals(), key=KEY)
    again = pseudonymize(roster(), key=KEY)
    separately_log = pseudonymize(None, interactions(), key=KEY).interactions
    separately_sig = pseudonymize(None, signals=signals(), key=KEY).signals
    assert list(whole.people.index) == list(again.people.index)
    assert list(separately_log["source"].astype(str)) == list(whole.interactions["source"].astype(str))
    assert list(separately_sig.index) == list(whole.signals.index)
    lookup = dict(zip(roster().index, whole.people.index))
    assert [lookup[i] for i in signals().index] == list(whole.signals.index)
    assert [lookup[i] for i in interactions()["target"]] == list(whole.interactions["target"].astype(str))
    assert pseudonymize_ids(roster().index, key=KEY) == list(whole.people.index)
    pseudonyms = list(whole.people.index)
    assert all(re.fullmatch(r"p_[0-9a-f]{16}", p) for p in pseudonyms), pseudonyms
    assert len(set(pseudonyms)) == len(pseudonyms)
    assert not set(pseudonyms) & set(roster().index)
    # unpacking works like a tuple of the three tables
    people, log, sig = whole
    assert people is whole.people and log is whole.interactions and sig is whole.signals


def test_different_keys_give_different_pseudonyms():
    a = pseudonymize(roster(), key=KEY).people.index
    b = pseudonymize(roster(), key=OTHER).people.index
    assert not set(a) & set(b)


def test_columns_kept_pseudonymised_dropped():
    pseudo = pseudonymize(roster(), interactions(), signals(), key=KEY)
    people = pseudo.people
    assert list(people.columns) == ["department", "manager_id", "level", "hire_date", "active"]
    assert pseudo.dropped["people"] == ["name", "email", "title", "location"]
    assert pseudo.dropped["interactions"] == ["subject"]
    assert pseudo.dropped["signals"] == ["email"]
    # manager_id points at the manager's pseudonym; a missing manager stays missing
    assert pd.isna(people["manager_id"].iloc[0])
    assert people["manager_id"].iloc[1] == people.index[0]
    assert people["manager_id"].iloc[3] == people.index[1]
    pd.testing.assert_series_equal(people["hire_date"], roster()["hire_date"].set_axis(people.index))
    assert people["level"].tolist() == [5, 2, 3, 2] and people.index.name == "person_id"
    assert list(pseudo.signals.columns) == ["survey_enthusiasm", "posts", "opt_out"]
    assert pseudo.signals["opt_out"].tolist() == [False, False, True]

    kept = pseudonymize(roster(), key=KEY, keep=("location",)).people
    assert kept["location"].tolist() == ["Paris", "Oslo", "Rome", "Oslo"]
    with pytest.raises(PrivacyError, match="email"):
        pseudonymize(roster(), key=KEY, keep=["email"])


def test_interactions_categories_mapped_not_rows():
    log = interactions()
    pseudo = pseudonymize(roster(), log, key=KEY)
    out = pseudo.interactions
    for column in ("source", "target"):
        assert isinstance(out[column].dtype, pd.CategoricalDtype)
        np.testing.assert_array_equal(out[column].cat.codes, log[column].cat.codes)
        assert list(out[column].cat.categories) == list(pseudo.people.index)
    assert list(out.columns) == ["source", "target", "timestamp", "weight", "channel", "event_id"]
    assert out["event_id"].iloc[1] == out["event_id"].iloc[2] != out["event_id"].iloc[0]
    assert all(e.startswith("e_") for e in out["event_id"])
    # an event id equal to a person id does not get that person's pseudonym
    same = pseudonymize(None, log.assign(event_id="007"), key=KEY).interactions["event_id"].iloc[0]
    assert same[2:] != pseudo.people.index[0][2:]
    pd.testing.assert_series_equal(out["weight"], log["weight"])


def test_one_hash_per_distinct_id(monkeypatch):
    n_people, n_rows = 30, 20_000
    ids = [f"u{i}" for i in range(n_people)]
    rng = np.random.default_rng(0)
    cats = pd.CategoricalDtype(ids)
    log = pd.DataFrame({
        "source": pd.Categorical.from_codes(rng.integers(0, n_people, n_rows), dtype=cats),
        "target": pd.Categorical.from_codes(rng.integers(0, n_people, n_rows), dtype=cats),
        "weight": 1.0,
    })
    plain = log.assign(source=log["source"].astype(str), target=log["target"].astype(str))
    calls = []
    original = _Pseudonymizer.one

    def counting(self, value):
        calls.append(value)
        return original(self, value)

    monkeypatch.setattr(_Pseudonymizer, "one", counting)
    cat_out = pseudonymize(None, log, key=KEY).interactions
    assert len(calls) <= 2 * n_people
    calls.clear()
    str_out = pseudonymize(None, plain, key=KEY).interactions
    assert len(calls) <= 2 * n_people
    assert list(str_out["source"]) == list(cat_out["source"].astype(str))


def test_accepts_loaded_and_rejects_bad_input():
    report = LoadReport(source="<DataFrame>", kind="people")
    pseudo = pseudonymize(Loaded(roster(), report), key=KEY)
    assert len(pseudo.people) == 4
    with pytest.raises(InputError, match="source"):
        pseudonymize(None, pd.DataFrame({"from": ["a"]}), key=KEY)
    with pytest.raises(InputError):
        pseudonymize("people.csv", key=KEY)


ids_strategy = st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=12, unique=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ids=ids_strategy, data=st.data())
def test_no_real_identifier_survives_and_round_trip(ids, data):
    n = len(ids)
    names = data.draw(st.lists(st.text(min_size=1, max_size=6), min_size=n, max_size=n))
    names = [f"N:{t}" for t in names]  # ":" never appears in a pseudonym
    emails = [f"{i}@corp.example" for i in range(n)]
    people = pd.DataFrame(
        {"department": [f"D{i % 3}" for i in range(n)], "name": names, "email": emails,
         "manager_id": [ids[(i + 1) % n] for i in range(n)]},
        index=pd.Index(ids, name="person_id"),
    )
    src = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=20))
    dst = data.draw(st.lists(st.integers(0, n - 1), min_size=len(src), max_size=len(src)))
    cats = pd.CategoricalDtype(ids)
    log = pd.DataFrame({
        "source": pd.Categorical.from_codes(src, dtype=cats),
        "target": pd.Categorical.from_codes(dst, dtype=cats),
        "weight": 1.0, "channel": "email",
        "event_id": [f"<{ids[s]}@corp.example>" for s in src],
    })
    sig = pd.DataFrame({"posts": range(n)}, index=pd.Index(ids, name="person_id"))
    pseudo = pseudonymize(people, log, sig, key=KEY)

    # every place that held an identifier now holds only pseudonyms
    values: set = set(pseudo.people.index) | set(pseudo.signals.index)
    values |= set(pseudo.people["manager_id"]) | set(pseudo.interactions["event_id"])
    values |= set(pseudo.interactions["source"].cat.categories)
    values |= set(pseudo.interactions["target"].astype(str))
    assert not values & set(ids)
    assert all(v.startswith(("p_", "e_")) and len(v) == 18 for v in values)
    # and the other columns are exactly the non-identifying ones
    assert set(pseudo.people.columns) == {"department", "manager_id"}
    assert set(pseudo.interactions.columns) == {"source", "target", "weight", "channel", "event_id"}
    assert list(pseudo.signals["posts"]) == list(range(n))
    buffer = io.StringIO()
    for table in (pseudo.people, pseudo.interactions, pseudo.signals):
        table.to_csv(buffer)
    text = buffer.getvalue()
    assert "corp.example" not in text and "N:" not in text
    assert pseudo.people.index.is_unique

    # round trip on a shortlist in another order, with a person_id column as well
    order = data.draw(st.permutations(range(n)))
    shortlist = pseudo.people.iloc[list(order)].assign(score=np.arange(n, dtype=float))
    real = reidentify(shortlist, people, key=KEY)
    assert list(real.index) == [ids[i] for i in order]
    assert list(real["name"]) == [names[i] for i in order]
    assert list(real["email"]) == [emails[i] for i in order]
    assert list(real["score"]) == list(range(n))


# ---------------------------------------------------------------------------- reidentify


def test_reidentify_person_id_column_and_unknown_pseudonyms():
    pseudo = pseudonymize(roster(), key=KEY).people
    backups = pd.DataFrame({"department": ["Sales", "IT"], "person_id": [pseudo.index[1], pseudo.index[3]],
                            "backup_rank": [1, 1]})
    real = reidentify(backups, roster(), key=KEY)
    assert real["person_id"].tolist() == ["042", "7"]
    assert real["name"].tolist() == ["Bo Kim", "Di Wu"]
    assert list(real.columns[:2]) == ["name", "email"]
    assert isinstance(real.index, pd.RangeIndex)

    with pytest.raises(InputError, match="wrong key"):
        reidentify(pseudo, roster(), key=OTHER)
    bad = pseudo.rename(index={pseudo.index[0]: "p_0000000000000000"})
    with pytest.raises(InputError, match="p_0000000000000000"):
        reidentify(bad, roster(), key=KEY)
    with pytest.raises(InputError, match="'007'"):  # already real ids
        reidentify(roster(), roster(), key=KEY)


def test_reidentify_replaces_stale_name_columns_and_works_without_names():
    pseudo = pseudonymize(roster(), key=KEY).people.assign(name="stale")
    real = reidentify(pseudo, roster(), key=KEY)
    assert real["name"].tolist() == roster()["name"].tolist()
    bare = roster().drop(columns=["name", "email"])
    assert "name" not in reidentify(pseudonymize(bare, key=KEY).people, bare, key=KEY).columns


# ---------------------------------------------------------------------------- masking


def test_mask_small_threshold():
    assert mask_small(4) == "< 5" and mask_small(5) == 5
    assert mask_small(0.9, 4) == "< 5" and mask_small(0.9, 5) == 0.9
    assert mask_small(0.9, np.int64(12)) == 0.9
    assert mask_small(0.9, None) == "< 5"  # n defaults to the value itself (a head count)
    assert mask_small(0.9, float("nan")) == "< 5"
    assert mask_small(2, min_group_size=1) == 2 and mask_small(2, min_group_size=3) == "< 3"
    for bad in (0, -1, 2.5, True, "5"):
        with pytest.raises(InputError):
            mask_small(3, min_group_size=bad)
    with pytest.raises(InputError):
        mask_small(3, "ten")


@settings(max_examples=40, deadline=None)
@given(sizes=st.lists(st.one_of(st.integers(0, 30), st.none()), min_size=1, max_size=15),
       k=st.integers(1, 10))
def test_mask_small_groups_masks_exactly_small_rows(sizes, k):
    frame = pd.DataFrame({"size": pd.array(sizes, dtype="Float64"),
                          "share": np.linspace(0, 1, len(sizes)), "label": "x"},
                         index=pd.Index([f"d{i}" for i in range(len(sizes))], name="department"))
    out = mask_small_groups(frame, "size", ["share"], min_group_size=k)
    small = [s is None or s < k for s in sizes]
    for i, is_small in enumerate(small):
        if is_small:
            assert out["share"].iloc[i] == f"< {k}" and out["size"].iloc[i] == f"< {k}"
        else:
            assert out["share"].iloc[i] == frame["share"].iloc[i]
            assert out["size"].iloc[i] == frame["size"].iloc[i]
    assert (out["label"] == "x").all()  # not listed, not masked
    if not any(small):
        pd.testing.assert_frame_equal(out, frame)


def test_mask_small_groups_options_and_errors():
    cov = pd.DataFrame({"size": [40, 3], "reached": [30, 3], "share": [0.75, 1.0]},
                       index=pd.Index(["Sales", "Legal"], name="department"))
    all_masked = mask_small_groups(cov, "size")
    assert all_masked.loc["Legal"].tolist() == ["< 5"] * 3
    assert all_masked.loc["Sales"].tolist() == [40, 30, 0.75]
    keep_size = mask_small_groups(cov, "size", ["share"], mask_size=False)
    assert keep_size.loc["Legal", "size"] == 3 and keep_size.loc["Legal", "reached"] == 3
    assert keep_size.loc["Legal", "share"] == "< 5"
    assert cov.loc["Legal", "share"] == 1.0  # input untouched
    with pytest.raises(InputError, match="'n'"):
        mask_small_groups(cov, "n")
    with pytest.raises(InputError, match="nope"):
        mask_small_groups(cov, "size", ["nope"])


# ---------------------------------------------------------------------------- nothing leaves


NETWORK_MODULES = {"socket", "ssl", "urllib", "http", "requests", "httpx", "aiohttp", "urllib3",
                   "ftplib", "smtplib", "poplib", "imaplib", "telnetlib", "xmlrpc", "webbrowser",
                   "asyncio", "socketserver"}


def test_package_has_no_network_code():
    import ambassadors

    root = Path(ambassadors.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in NETWORK_MODULES]
    assert not offenders, offenders


def test_ids_are_hashed_as_text():
    as_numbers = pseudonymize(pd.DataFrame({"department": ["A", "B"]}, index=[7, 8]), key=KEY).people
    as_text = pseudonymize(pd.DataFrame({"department": ["A", "B"]}, index=["7", "8"]), key=KEY).people
    assert list(as_numbers.index) == list(as_text.index)
    mixed = pd.DataFrame({"source": pd.Series([7, "7"], dtype=object), "target": ["8", "8"]})
    out = pseudonymize(None, mixed, key=KEY).interactions
    assert out["source"].iloc[0] == out["source"].iloc[1] == as_text.index[0]


@pytest.mark.parametrize("key", [KEY, b"\xff" * 100, "clé secrète assez longue"])
def test_pseudonym_is_the_standard_hmac_sha256(key):
    raw = key.encode() if isinstance(key, str) else key
    for person in ["007", "Zoë", "", "a" * 200]:
        expected = "p_" + hmac.new(raw, person.encode(), hashlib.sha256).hexdigest()[:16]
        assert pseudonymize_ids([person], key=key) == [expected]


# RFC 4231, section 4: HMAC-SHA256 test cases 1, 2, 3, 4, 6 and 7 (key, data, full MAC). Case 5
# (a truncated MAC) is left out; 6 and 7 use a key longer than the hash's 64-byte block.
RFC_4231 = [
    (b"\x0b" * 20, b"Hi There",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (b"Jefe", b"what do ya want for nothing?",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    (b"\xaa" * 20, b"\xdd" * 50,
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
    (bytes(range(1, 26)), b"\xcd" * 50,
     "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
    (b"\xaa" * 131, b"Test Using Larger Than Block-Size Key - Hash Key First",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    (b"\xaa" * 131, b"This is a test using a larger than block-size key and a larger than block-size "
     b"data. The key needs to be hashed before being used by the HMAC algorithm.",
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
]


@pytest.mark.parametrize(("key", "data", "mac"), RFC_4231)
def test_pseudonymizer_matches_rfc_4231_vectors(key, data, mac):
    # the data goes in as the domain (bytes), the id as the empty string: HMAC(key, domain + id)
    assert _Pseudonymizer(key, prefix="", domain=data).one("") == mac[:16]
    split = len(data) // 2
    tail = data[split:].decode("latin-1")
    if tail.encode("utf-8") == data[split:]:  # ASCII tail: the same MAC when fed as the id
        assert _Pseudonymizer(key, prefix="", domain=data[:split]).one(tail) == mac[:16]


def test_pseudonyms_come_from_the_standard_library_hmac(monkeypatch):
    calls = []
    real_new = hmac.new

    def recording_new(key, msg=None, digestmod=None):
        calls.append((key, msg))
        return real_new(key, msg, digestmod)

    monkeypatch.setattr(hmac, "new", recording_new)
    assert pseudonymize_ids(["007"], key=KEY) == [
        "p_" + real_new(KEY, b"007", hashlib.sha256).hexdigest()[:16]]
    assert calls and calls[0][0] == KEY


def test_existing_pseudonyms_are_unchanged():
    # Pseudonyms written by version 0.1.0 (its hand-written HMAC) for this key: files
    # pseudonymised then must still join with files pseudonymised now.
    assert pseudonymize_ids(["007", "042", "Zoë", ""], key=KEY) == [
        "p_b7a06469dd43916a", "p_556ab24c13ee36e2", "p_22203847610c02be", "p_1fed883cc9f7c6e5"]
    assert pseudonymize_ids(["007"], key="clé secrète assez longue") == ["p_adb2ab41a7d6545a"]
    events = pseudonymize(None, interactions(), key=KEY).interactions["event_id"]
    assert events.iloc[0] == "e_24ae768bc6d2c288"


def test_duplicate_ids_are_refused_naming_them():
    twice = roster().iloc[[0, 1, 0]]
    with pytest.raises(InputError, match=r"^people\.person_id: duplicate person_id '007'$"):
        pseudonymize(twice, key=KEY)
    with pytest.raises(InputError, match=r"^reidentify: people: duplicate person_id '007'$"):
        reidentify(pseudonymize(roster(), key=KEY).people, twice, key=KEY)
    # 7 and "7" are one id once read as text
    mixed = pd.DataFrame({"department": ["A", "B"]}, index=pd.Index([7, "7"], dtype=object))
    with pytest.raises(InputError, match=r"read as text: 7 and '7' are one id\): duplicate person_id '7'"):
        pseudonymize(mixed, key=KEY)


def test_pseudonymised_tables_build_the_same_graph(two_departments):
    real = two_departments
    pseudo = pseudonymize(real.people, real.interactions, key=KEY)
    graph = build_graph(pseudo.people, pseudo.interactions)
    assert list(graph.ids) == pseudonymize_ids(real.graph.ids, key=KEY)
    assert (graph.weights != real.graph.weights).nnz == 0  # same codes, same ties, same weights
    assert (graph.counts != real.graph.counts).nnz == 0
    assert not {"name", "email"} & set(pseudo.people.columns)
    assert pseudo.interactions["event_id"].str.fullmatch(r"e_[0-9a-f]{16}").all()
