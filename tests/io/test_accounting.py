"""Accounting of what the readers drop: overlapping exports, unknown ids, future dates, match share."""

from __future__ import annotations

import pandas as pd
import pytest

from ambassadors.errors import InputError
from ambassadors.io import combine_interactions, read_interactions, read_people
from ambassadors.io.load_report import LOW_MATCH_SHARE, LoadReport


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def people_file(tmp_path, n=6):
    rows = "".join(f"p{i},D{i % 2},p{i}@x.org\n" for i in range(n))
    return read_people(write(tmp_path, "people.csv", "person_id,department,email\n" + rows))


def test_overlapping_exports_count_repeated_message_ids_once(tmp_path):
    people = people_file(tmp_path)
    shared = "".join(f"m{i},p{i % 6}@x.org,p{(i + 1) % 6}@x.org;p{(i + 2) % 6}@x.org,2025-11-0{1 + i % 5}\n"
                     for i in range(1000))
    only_a = "ma,p0@x.org,p1@x.org,2025-11-01\n"
    only_b = "mb,p2@x.org,p3@x.org,2025-11-02\n"
    header = "message_id,sender,recipients,sent\n"
    a = read_interactions(write(tmp_path, "a.csv", header + shared + only_a), people=people)
    b = read_interactions(write(tmp_path, "b.csv", header + only_b + shared), people=people)
    table, report = combine_interactions(a, b)
    # each message once: 1,000 shared with two recipients each, plus one of each file's own
    assert len(table) == 2 * 1000 + 2
    assert report.dropped == {"duplicate_row": 1000}
    assert report.pairs_dropped == {"duplicate_row": 2000}
    assert report.rows_read == 2002 and report.rows_used == 1002 and report.balanced
    assert sorted(table["event_id"].unique()) == sorted({f"m{i}" for i in range(1000)} | {"ma", "mb"})
    # the inputs' own reports are left as they were
    assert a.report.rows_used == 1001 and "duplicate_row" not in b.report.dropped


def test_same_id_with_other_people_is_not_a_duplicate(tmp_path):
    """Row numbers in an 'id' column of two edge lists are not message ids of the same mail."""
    people = people_file(tmp_path)
    a = read_interactions(write(tmp_path, "a.csv", "id,source,target\n1,p0,p1\n2,p1,p2\n"), people=people)
    b = read_interactions(write(tmp_path, "b.csv", "id,source,target\n1,p3,p4\n2,p1,p2\n"), people=people)
    table, report = combine_interactions(a, b)
    assert len(table) == 3 and report.dropped == {"duplicate_row": 1} and report.balanced


def test_load_report_lists_the_most_frequent_unknown_senders_and_recipients(tmp_path):
    people = people_file(tmp_path)
    rows = ["p0@x.org,all-staff@x.org"] * 7 + ["p1@x.org,news@x.org"] * 3 + \
           ["p2@x.org,p3@x.org"] * 5 + ["noreply@y.com,p1@x.org"] * 2
    table, report = read_interactions(write(tmp_path, "log.csv", "from,to\n" + "\n".join(rows) + "\n"),
                                      people=people)
    assert report.unknown == {"recipient": {"all-staff@x.org": 7, "news@x.org": 3},
                              "sender": {"noreply@y.com": 2}}
    text = str(report)
    assert "most frequent unknown recipients: 'all-staff@x.org' (7), 'news@x.org' (3)" in text
    assert "most frequent unknown senders: 'noreply@y.com' (2)" in text
    assert report.balanced


def test_future_timestamps_are_counted_not_kept(tmp_path):
    log = "source,target,time\np0,p1,2025-11-03\np1,p2,2099-01-01\np2,p3,2099-06-01\np3,p4,\n"
    table, report = read_interactions(write(tmp_path, "log.csv", log), people=people_file(tmp_path))
    assert len(table) == 2 and table["timestamp"].max() < pd.Timestamp.now(tz="UTC")
    assert report.dropped == {"future_timestamp": 2} and report.balanced


def test_low_match_warning_below_the_documented_threshold(tmp_path):
    people = people_file(tmp_path)
    good = ["p0,p1"]
    bad = [f"x{i},y{i}" for i in range(9)]
    _, low = read_interactions(write(tmp_path, "low.csv", "source,target\n" + "\n".join(good + bad)),
                               people=people)
    assert low.match_share == pytest.approx(0.1) and low.match_share < LOW_MATCH_SHARE
    assert low.low_match_warning().startswith("warning: only 10 % of the 10 sender->recipient "
                                              "pairs of low.csv match the roster")
    _, fine = read_interactions(write(tmp_path, "fine.csv", "source,target\np0,p1\np1,p2\nx,y\n"),
                                people=people)
    assert fine.low_match_warning() is None


def test_merge_sums_every_count_and_keeps_the_identity():
    a = LoadReport("a", "interactions", rows_read=5, rows_used=3, dropped={"bad_row": 2},
                   pairs_read=9, pairs_used=6, pairs_dropped={"unknown_recipient": 3},
                   unknown={"recipient": {"list@x": 3}})
    b = LoadReport("b", "interactions", rows_read=2, rows_used=2)
    b.skip_file("not a calendar")
    total = LoadReport("a + b", "interactions").merge(a).merge(b)
    assert (total.rows_read, total.rows_used, total.pairs_read, total.pairs_used) == (7, 5, 11, 8)
    assert total.unknown == {"recipient": {"list@x": 3}} and total.skipped_files == {"not a calendar": 1}
    assert total.balanced


def test_a_format_log_matching_nobody_is_refused_by_read_interactions(tmp_path):
    people = people_file(tmp_path)
    path = write(tmp_path, "meet.csv", "organizer,attendees,start,end\n"
                 "a@y.com,b@y.com;c@y.com,2025-11-03 09:00,2025-11-03 10:00\n")
    with pytest.raises(InputError, match=r"meet\.csv: none of the 6 .*matches the roster.*'p0', 'p1', 'p2'"):
        read_interactions(path, people=people)


@pytest.mark.parametrize("window", ["-5D", "", "0D"])
def test_a_window_that_is_not_a_positive_duration_is_an_error_naming_it(tmp_path, window):
    from ambassadors.graph import build_graph

    people = people_file(tmp_path)
    log = read_interactions(write(tmp_path, "log.csv", "source,target,time\np0,p1,2025-11-03\n"),
                            people=people)
    with pytest.raises(InputError, match=r"^window must be a positive duration such as '90D', got"):
        build_graph(people, log, window=window)


def test_negative_channel_weights_are_an_error_naming_the_option(tmp_path):
    from ambassadors.graph import build_graph

    people = people_file(tmp_path)
    log = read_interactions(write(tmp_path, "log.csv", "source,target\np0,p1\n"), people=people,
                            channel="email")
    with pytest.raises(InputError, match=r"channel_weights\['email'\] must be >= 0, got -1"):
        build_graph(people, log, channel_weights={"email": -1.0})


def test_the_window_ends_at_the_last_plausible_date(tmp_path):
    """Rows dated 2099 in a DataFrame handed over directly do not cut away every other row."""
    from ambassadors.graph import build_graph

    people = people_file(tmp_path).table
    log = pd.DataFrame({"source": ["p0", "p1", "p2", "p3"], "target": ["p1", "p2", "p3", "p4"],
                        "timestamp": pd.to_datetime(["2025-10-01", "2025-11-01", "2025-11-03",
                                                     "2099-01-01"], utc=True)})
    graph = build_graph(people, log, window="90D")
    # the three 2025 rows are inside 90 days of 2025-11-03; only the 2099 row is outside
    assert graph.dropped.get("outside_window") == 1
    assert int(graph.counts.sum()) == 3


def test_the_cli_refuses_a_bad_window_and_negative_channel_weights(tmp_path, capsys):
    from ambassadors.cli import main

    people = write(tmp_path, "people.csv", "person_id,department\np0,A\np1,B\n")
    log = write(tmp_path, "log.csv", "source,target,time,channel\np0,p1,2025-11-03,email\n")
    base = ["shortlist", "--people", str(people), "--interactions", str(log)]
    out = tmp_path / "out.csv"
    # the library's parameter names are written as the command line's options
    for extra, message in ((["--window=-5D"], "window must be a positive duration"),
                           (["--window="], "window must be a positive duration"),
                           (["--channel-weights", "email=-1"], "--channel-weights email must be >= 0")):
        assert main(base + extra + ["--out", str(out)]) == 2
        assert message in capsys.readouterr().err and not out.exists()


def test_low_match_warning_opens_the_cli_output_and_the_report(tmp_path, capsys):
    from ambassadors.cli import main

    people = write(tmp_path, "people.csv", "person_id,department\n" +
                   "".join(f"p{i},D{i % 3}\n" for i in range(12)))
    rows = [f"p{i},p{(i + 1) % 12}" for i in range(12)] + [f"x{i},y{i}" for i in range(60)]
    log = write(tmp_path, "log.csv", "source,target\n" + "\n".join(rows) + "\n")
    html = tmp_path / "r.html"
    assert main(["report", "--people", str(people), "--interactions", str(log), "--out", str(html)]) == 0
    err = capsys.readouterr().err
    assert err.startswith("warning: only 17 % of the 72 sender->recipient pairs of log.csv match")
    text = html.read_text()
    assert text.index('class="warn"') < text.index("only 17 %") < text.index("Data read")
