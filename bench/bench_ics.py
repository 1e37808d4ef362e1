"""ICS reading: the hand-written recurrence expansion (before) vs icalendar + recurring-ical-events.

Generates a folder of calendars with recurring series (weekly and daily, with EXDATEs, moved
instances, time zones) and single events, then times ``parse_ics`` of both versions (median of
``--repeat`` runs, interleaved) and checks that they count the same occurrences.

    .venv/bin/python bench/bench_ics.py [--series 200] [--singles 2000] [--files 10] [--repeat 3]

The old version is read from git (``--before``, default the commit before the switch).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "b5a58f0"  # ics.py with its own dateutil-based expansion


def calendar_files(folder: Path, *, series: int, singles: int, files: int) -> None:
    people = [f"p{i}@x.org" for i in range(200)]
    per_file: list[list[str]] = [[] for _ in range(files)]
    for k in range(series):
        org, att = people[k % 200], people[(k * 7 + 3) % 200]
        rule = "FREQ=WEEKLY;COUNT=52" if k % 3 else "FREQ=DAILY;INTERVAL=2"
        lines = [f"UID:s{k}", f"DTSTART;TZID=Europe/Berlin:202501{1 + k % 28:02d}T0{8 + k % 2}3000",
                 "DURATION:PT45M", f"RRULE:{rule}",
                 f"EXDATE;TZID=Europe/Berlin:202502{1 + k % 28:02d}T0{8 + k % 2}3000",
                 f"ORGANIZER:mailto:{org}", f"ATTENDEE:mailto:{att}"]
        per_file[k % files].append("BEGIN:VEVENT\r\n" + "\r\n".join(lines) + "\r\nEND:VEVENT\r\n")
        if k % 10 == 0:  # one moved instance
            per_file[k % files].append(
                "BEGIN:VEVENT\r\n" + "\r\n".join([
                    f"UID:s{k}", f"RECURRENCE-ID;TZID=Europe/Berlin:202501{1 + k % 28:02d}T0{8 + k % 2}3000",
                    f"DTSTART;TZID=Europe/Berlin:202501{1 + k % 28:02d}T150000", "DURATION:PT30M",
                    f"ORGANIZER:mailto:{org}", f"ATTENDEE:mailto:{att}"]) + "\r\nEND:VEVENT\r\n")
    for k in range(singles):
        lines = [f"UID:e{k}", f"DTSTART:2025{1 + k % 12:02d}{1 + k % 28:02d}T{8 + k % 9:02d}0000Z",
                 "DTEND:2025{0:02d}{1:02d}T{2:02d}3000Z".format(1 + k % 12, 1 + k % 28, 8 + k % 9),
                 f"ORGANIZER:mailto:{people[k % 200]}", f"ATTENDEE:mailto:{people[(k + 1) % 200]}",
                 f"ATTENDEE:mailto:{people[(k + 2) % 200]}"]
        per_file[k % files].append("BEGIN:VEVENT\r\n" + "\r\n".join(lines) + "\r\nEND:VEVENT\r\n")
    folder.mkdir(parents=True, exist_ok=True)
    for i, events in enumerate(per_file):
        (folder / f"cal{i}.ics").write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "".join(events)
                                            + "END:VCALENDAR\r\n")


def load_before(commit: str):
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:src/ambassadors/io/formats/ics.py"],
                            check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "_ics_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("ambassadors.io.formats._ics_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--singles", type=int, default=2000)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", default=BEFORE)
    args = parser.parse_args()
    from ambassadors.io.formats import ics as after

    before = load_before(args.before)
    folder = Path(tempfile.mkdtemp()) / "calendars"
    calendar_files(folder, series=args.series, singles=args.singles, files=args.files)
    times: dict[str, list[float]] = {"before": [], "after": []}
    pairs = {}
    for _ in range(args.repeat):
        for name, module in (("before", before), ("after", after)):
            start = time.perf_counter()
            table, report = module.parse_ics(folder)
            times[name].append(time.perf_counter() - start)
            pairs[name] = (len(table), report.rows_read)
    b, a = statistics.median(times["before"]), statistics.median(times["after"])
    print(f"{args.series} recurring series + {args.singles} single events in {args.files} files")
    print(f"pairs (occurrence x participant pairs), VEVENT rows: before {pairs['before']}, "
          f"after {pairs['after']}")
    print(f"parse_ics median of {args.repeat}: before {b:.2f} s, after {a:.2f} s (after/before {a / b:.2f})")


if __name__ == "__main__":
    main()
