"""E-mail exports: mbox, .eml folders / zips, Exchange message trace, Google e-mail log."""

from __future__ import annotations

import tracemalloc
import zipfile

import pandas as pd
import pytest
from formats_fixtures import SECRET, mail_bytes, no_content, roster, write_mbox, write_tree, write_zip
from hypothesis import given, settings
from hypothesis import strategies as st

from ambassadors.errors import InputError
from ambassadors.io.formats import _common, detect_format, read_format

DATE = "Mon, 03 Nov 2025 10:00:00 +0100"


def pairs_of(table: pd.DataFrame) -> list[tuple[str, str, float]]:
    return sorted(zip(table["source"].astype(str), table["target"].astype(str), table["weight"].round(6)))


# ----------------------------------------------------------------------------- mbox


def test_mbox_pairs_weights_roster_and_accounting(tmp_path):
    box = write_mbox(tmp_path / "Inbox.mbox", [
        mail_bytes({"From": "Ann <ANN@x.org>", "To": "bob@x.org, cy@x.org", "Cc": "di@x.org",
                    "Date": DATE, "Message-ID": "<m1@x>"},
                   body=f"From the top\n\nFrom here {SECRET}\n"),
        mail_bytes({"From": "bob@x.org", "To": "ann@x.org, stranger@else.com", "Date": DATE,
                    "Message-ID": "<m2@x>"}),
        mail_bytes({"From": "cy@x.org", "To": "ann@x.org", "Date": "yesterday-ish",
                    "Message-ID": "<m3@x>"}),
        mail_bytes({"From": "cy@x.org", "To": "undisclosed-recipients:;", "Date": DATE}),
        mail_bytes({"To": "ann@x.org", "Date": DATE}),
        mail_bytes({"From": "bob@x.org", "To": "ann@x.org", "Date": DATE, "Message-ID": "<m1@x>"}),
    ])
    assert detect_format(box) == "mbox"
    loaded = read_format(box, people=roster())
    table, report = loaded
    assert pairs_of(table) == [("001", "002", round(1 / 3, 6)), ("001", "003", round(1 / 3, 6)), ("001", "004", round(1 / 3, 6)),
                               ("002", "001", 0.5)]
    assert set(table["channel"].astype(str)) == {"email"}
    assert str(table["timestamp"].iloc[0]) == "2025-11-03 09:00:00+00:00"
    assert report.rows_read == 6 and report.rows_used == 2
    assert report.dropped == {"bad_timestamp": 1, "no_recipients": 1, "unknown_sender": 1,
                              "duplicate_row": 1}
    assert report.pairs_dropped == {"unknown_recipient": 1, "bad_timestamp": 1}
    assert report.balanced
    assert no_content(loaded, "From the top", "From here")


def test_mbox_rfc2047_names_and_several_headers(tmp_path):
    box = write_mbox(tmp_path / "box", [mail_bytes([
        ("From", "=?utf-8?q?M=C3=BCller=2C_Ann?= <ann@x.org>"),
        ("To", '"Doe, Bob" <bob@x.org>, =?iso-8859-1?q?Cy_Andr=E9?= <CY@x.org>'),
        ("To", "=?utf-8?b?" + __import__("base64").b64encode("Dí <di@x.org>".encode()).decode() + "?="),
        ("Cc", "bob@x.org,\n ed@x.org"),
        ("Date", DATE),
    ])])
    assert detect_format(box) == "mbox"  # no extension: recognised by its 'From ' line
    table, report = read_format(box)
    assert sorted(table["target"].astype(str)) == ["bob@x.org", "cy@x.org", "di@x.org", "ed@x.org"]
    assert set(table["source"].astype(str)) == {"ann@x.org"}
    assert (table["weight"] == 0.25).all() and report.balanced


def test_mbox_streams_bodies(tmp_path):
    """A 30 MB body is skipped line by line: peak memory stays far below the body size."""
    body = ("x" * 999 + "\n") * 30_000
    box = write_mbox(tmp_path / "big.mbox", [
        mail_bytes({"From": "ann@x.org", "To": "bob@x.org", "Date": DATE}, body=body),
        mail_bytes({"From": "bob@x.org", "To": "ann@x.org", "Date": DATE}),
    ])
    del body
    tracemalloc.start()
    try:
        table, report = read_format(box, format="mbox")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(table) == 2 and report.balanced
    assert peak < 8_000_000


def test_not_an_mbox(tmp_path):
    p = tmp_path / "x.mbox"
    p.write_text("hello\nworld\n")
    with pytest.raises(InputError, match="x.mbox.*not an mbox"):
        read_format(p)


# ----------------------------------------------------------------------------- eml


def _eml_files():
    return {
        "ann/sent/1.eml": mail_bytes({"From": "ann@x.org", "To": "bob@x.org", "Date": DATE,
                                      "Message-ID": "<a1@x>"}),
        "bob/inbox/1.eml": mail_bytes({"From": "ann@x.org", "To": "bob@x.org", "Date": DATE,
                                       "Message-ID": "<a1@x>"}),
        "bob/sent/2.eml": mail_bytes({"From": "bob@x.org", "To": "ann@x.org", "Cc": "zed@x.org",
                                      "Date": "Tue, 31 Feb 2025 99:00:00 +0000",
                                      "Message-ID": "<b2@x>"}),
        "bob/sent/3.eml": mail_bytes({"From": "bob@x.org", "Bcc": "cy@x.org", "Date": DATE}),
        "notes.txt": "not a message",
    }


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_eml_folder_and_zip(tmp_path, kind):
    files = _eml_files()
    path = write_tree(tmp_path / "mail", files) if kind == "folder" else write_zip(tmp_path / "mail.zip", files)
    assert detect_format(path) == "eml"
    loaded = read_format(path, people=roster())
    table, report = loaded
    assert pairs_of(table) == [("001", "002", 1.0), ("002", "003", 1.0)]
    assert report.rows_read == 4 and report.dropped == {"duplicate_row": 1, "bad_timestamp": 1}
    assert report.balanced and no_content(loaded)


def test_single_eml_file(tmp_path):
    p = tmp_path / "one.eml"
    p.write_bytes(mail_bytes({"From": "ann@x.org", "To": "bob@x.org", "Date": DATE}))
    table, report = read_format(p)
    assert pairs_of(table) == [("ann@x.org", "bob@x.org", 1.0)] and report.balanced


# ----------------------------------------------------------------------------- zip safety


def test_zip_with_parent_path_is_refused(tmp_path):
    z = write_zip(tmp_path / "evil.zip", {"../../etc/x.eml": mail_bytes({"From": "a@x", "To": "b@x"})})
    with pytest.raises(InputError, match=r"evil.zip.*'\.\./\.\./etc/x.eml'"):
        read_format(z, format="eml")


def test_zip_with_absolute_path_is_refused(tmp_path):
    z = tmp_path / "abs.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr(zipfile.ZipInfo("/tmp/x.eml"), b"From: a@x\n\n")
    with pytest.raises(InputError, match="abs.zip.*'/tmp/x.eml'"):
        read_format(z, format="eml")


def test_zip_bomb_ratio_is_refused(tmp_path):
    z = write_zip(tmp_path / "bomb.zip", {"a.eml": b"\0" * (4 * 1024**2)})
    with pytest.raises(InputError, match="bomb.zip.*a.eml.*zip bomb"):
        read_format(z, format="eml")


def test_zip_total_size_is_bounded(tmp_path, monkeypatch):
    z = write_zip(tmp_path / "big.zip", {f"{i}.eml": mail_bytes({"From": "a@x.org", "To": "b@x.org"})
                                         for i in range(5)})
    monkeypatch.setattr(_common, "MAX_UNZIPPED_BYTES", 100)
    with pytest.raises(InputError, match="big.zip.*more than 100 bytes"):
        read_format(z, format="eml")


# ----------------------------------------------------------------------------- message logs


def test_m365_trace(tmp_path):
    p = tmp_path / "MessageTrace.csv"
    rows = [
        '"Received","SenderAddress","RecipientAddress","Subject","Status","ToIP","FromIP","Size","MessageId","MessageTraceId"',
        f'"2025-11-03T09:00:00Z","ANN@x.org","bob@x.org","{SECRET}","Delivered","","","1200","<m1@x>","t1"',
        f'"2025-11-03T09:00:00Z","ann@x.org","cy@x.org","{SECRET}","Delivered","","","1200","<m1@x>","t1"',
        f'"2025-11-03T09:00:00Z","ann@x.org","cy@x.org","{SECRET}","Delivered","","","1200","<m1@x>","t1"',
        f'"2025-11-03T09:00:00Z","ann@x.org","team@x.org","{SECRET}","Expanded","","","1200","<m1@x>","t1"',
        f'"2025-11-03T09:05:00Z","bob@x.org","ann@x.org","{SECRET}","Failed","","","1200","<m2@x>","t2"',
        f'"2025-11-03T09:06:00Z","bob@x.org","ann@x.org","{SECRET}","Delivered","","","1200","<m3@x>","t3"',
        f'"not a time","cy@x.org","ann@x.org","{SECRET}","Delivered","","","1200","<m4@x>","t4"',
    ]
    # PowerShell 5 Export-Csv: '#TYPE' line first, UTF-8 BOM
    p.write_bytes(b"\xef\xbb\xbf" + ("#TYPE Deserialized.MessageTrace\n" + "\n".join(rows) + "\n").encode())
    assert detect_format(p) == "m365_trace"
    loaded = read_format(p, people=roster())
    table, report = loaded
    assert pairs_of(table) == [("001", "002", 0.5), ("001", "003", 0.5), ("002", "001", 1.0)]
    assert report.rows_read == 7 and report.rows_used == 3
    assert report.dropped == {"bad_value": 1, "unknown_recipient": 1, "duplicate_row": 1,
                              "bad_timestamp": 1}
    assert report.balanced and no_content(loaded)


def test_m365_historical_report(tmp_path):
    p = tmp_path / "hist.csv"
    p.write_text(
        "origin_timestamp_utc,sender_address,recipient_status,message_subject,message_id\n"
        '2025-11-03T09:00:00Z,ann@x.org,"bob@x.org##Receive, Deliver;cy@x.org##Receive, Deliver",'
        f"{SECRET},<m1>\n"
    )
    assert detect_format(p) == "m365_trace"
    loaded = read_format(p)
    assert pairs_of(loaded.table) == [("ann@x.org", "bob@x.org", 0.5), ("ann@x.org", "cy@x.org", 0.5)]
    assert loaded.report.balanced and no_content(loaded)


def test_google_email_log(tmp_path):
    p = tmp_path / "email_log_search.csv"
    p.write_text(
        "Date,Message ID,Subject,Sender,Recipient,Status\n"
        f'2025-11-03 09:00:00 UTC,<g1@x>,{SECRET},ann@x.org,"bob@x.org, cy@x.org",Delivered\n'
        f"2025-11-03 09:00:00 UTC,<g1@x>,{SECRET},ann@x.org,di@x.org,Delivered\n"
        f"2025-11-03 09:10:00 UTC,<g2@x>,{SECRET},,bob@x.org,Delivered\n"
        f"2025-11-03 09:20:00 UTC,<g3@x>,{SECRET},bob@x.org,,Delivered\n"
    )
    assert detect_format(p) == "google_email_log"
    loaded = read_format(p, people=roster())
    table, report = loaded
    assert pairs_of(table) == [("001", "002", round(1 / 3, 6)), ("001", "003", round(1 / 3, 6)), ("001", "004", round(1 / 3, 6))]
    assert report.dropped == {"unknown_sender": 1, "no_recipients": 1} and report.balanced
    assert no_content(loaded)


def test_columns_override_and_errors(tmp_path):
    p = tmp_path / "log.csv"
    p.write_text("when,who,whom,mid\n2025-11-03,ann@x.org,bob@x.org,1\n")
    table, _ = read_format(p, format="google_email_log",
                           columns={"when": "timestamp", "who": "sender", "whom": "recipient", "mid": "event_id"})
    assert pairs_of(table) == [("ann@x.org", "bob@x.org", 1.0)]
    with pytest.raises(InputError, match="log.csv.*no column for sender"):
        read_format(p, format="m365_trace")
    with pytest.raises(InputError, match="log.csv.*'nope'.*not found"):
        read_format(p, format="google_email_log", columns={"nope": "sender"})
    with pytest.raises(InputError, match="cannot tell"):
        read_format(p)
    with pytest.raises(InputError, match="unknown format 'pst'"):
        read_format(p, format="pst")


# ----------------------------------------------------------------------------- properties

addr = st.sampled_from(["ann@x.org", "bob@x.org", "cy@x.org", "di@x.org", "ANN@X.org", "zed@y.com"])
message = st.fixed_dictionaries({
    "From": st.one_of(addr, st.just("")),
    "To": st.lists(addr, max_size=4).map(", ".join),
    "Cc": st.lists(addr, max_size=2).map(", ".join),
    "Date": st.sampled_from([DATE, "Tue, 04 Nov 2025 23:59:59 -0800", "garbage", ""]),
})


@settings(deadline=None, max_examples=25)
@given(msgs=st.lists(message, min_size=1, max_size=8))
def test_mbox_accounting_property(tmp_path_factory, msgs):
    box = write_mbox(tmp_path_factory.mktemp("p") / "p.mbox", [mail_bytes(m) for m in msgs])
    table, report = read_format(box, people=roster())
    assert report.balanced and report.rows_read == len(msgs)
    assert (table["source"].astype(str) != table["target"].astype(str)).all()
    # each used message spreads weight 1 over its distinct recipients: per event sum <= 1
    n_rcpt = [len({a.lower() for a in (m["To"] + ", " + m["Cc"]).split(", ") if a}) for m in msgs]
    assert table["weight"].isin([1 / n for n in n_rcpt if n]).all()


local = st.text(alphabet="abcxyz019._-+", min_size=1, max_size=6).filter(lambda t: not t.startswith("."))
simple_addr = st.builds(lambda a, d: f"{a}@{d}.org", local, st.sampled_from(["x", "ex-ample", "a.b"]))
named = st.builds(lambda n, a: f"{n} <{a}>", st.sampled_from(["Ann", "Bob Doe", "J. R. Smith"]), simple_addr)


@settings(deadline=None, max_examples=60)
@given(st.lists(st.one_of(simple_addr, named), min_size=1, max_size=5))
def test_address_fast_path_agrees_with_getaddresses(parts):
    from email.utils import getaddresses

    from ambassadors.io.formats._mail import addresses

    value = ", ".join(parts)
    expected = []
    for _, a in getaddresses([value]):
        if a.lower() not in expected:
            expected.append(a.lower())
    assert addresses(value) == expected


def test_mbox_crlf_and_unescaped_from_in_body(tmp_path):
    raw = (b"From a Mon Nov  3 09:00:00 2025\r\nFrom: ann@x.org\r\nTo: bob@x.org\r\n"
           b"Date: " + DATE.encode() + b"\r\n\r\nline\r\nFrom here, not a new message\r\n\r\n"
           b"From b Mon Nov  3 09:00:00 2025\r\nFrom: bob@x.org\r\nTo: ann@x.org\r\n\r\n"
           b"From c Mon Nov  3 09:00:00 2025\r\nFrom: cy@x.org\r\nTo: ann@x.org\r\n")
    p = tmp_path / "crlf.mbox"
    p.write_bytes(raw)
    table, report = read_format(p)
    assert report.rows_read == 3 and report.balanced
    assert pairs_of(table) == [("ann@x.org", "bob@x.org", 1.0), ("bob@x.org", "ann@x.org", 1.0),
                               ("cy@x.org", "ann@x.org", 1.0)]


@settings(deadline=None, max_examples=20)
@given(msgs=st.lists(message, min_size=1, max_size=5), chunk=st.integers(3, 64),
       body=st.sampled_from(["", "x\n", "From me\n\nyes\n", "a\n" * 30]))
def test_mbox_chunking_does_not_change_the_result(tmp_path_factory, monkeypatch_module, msgs, chunk, body):
    from ambassadors.io.formats import _mail

    box = write_mbox(tmp_path_factory.mktemp("c") / "c.mbox", [mail_bytes(m, body=body) for m in msgs])
    whole = read_format(box)
    monkeypatch_module.setattr(_mail, "_CHUNK", chunk)
    try:
        small = read_format(box)
    finally:
        monkeypatch_module.undo()
    assert small.report == whole.report
    pd.testing.assert_frame_equal(small.table, whole.table)


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_m365_trace_utf16_semicolon(tmp_path):
    """PowerShell `Out-File` writes UTF-16; German Excel re-saves with ';'."""
    p = tmp_path / "trace16.csv"
    text = ("Received;SenderAddress;RecipientAddress;Subject;MessageId\r\n"
            f"03.11.2025 09:00:00;ann@x.org;Bob@X.org;{SECRET};<1>\r\n")
    p.write_bytes(text.encode("utf-16"))
    assert detect_format(p) == "m365_trace"
    loaded = read_format(p, people=roster())
    assert pairs_of(loaded.table) == [("001", "002", 1.0)]
    assert loaded.report.balanced and no_content(loaded)


def test_google_bigquery_export(tmp_path):
    p = tmp_path / "bq.csv"
    p.write_text("event_info.timestamp_usec,message_info.rfc2822_message_id,message_info.source.address,"
                 "message_info.destination.address,message_info.subject\n"
                 f'1762160400000000,<b1>,ann@x.org,"bob@x.org; cy@x.org",{SECRET}\n'
                 f"not-a-number,<b2>,ann@x.org,bob@x.org,{SECRET}\n")
    assert detect_format(p) == "google_email_log"
    loaded = read_format(p)
    table, report = loaded
    assert pairs_of(table) == [("ann@x.org", "bob@x.org", 0.5), ("ann@x.org", "cy@x.org", 0.5)]
    assert str(table["timestamp"].iloc[0]) == "2025-11-03 09:00:00+00:00"
    assert report.dropped == {"bad_timestamp": 1} and report.balanced and no_content(loaded)
