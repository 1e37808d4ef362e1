"""E-mail headers -> raw pairs, shared by the mbox and .eml readers.

Only six headers are ever looked at: ``From``, ``To``, ``Cc``, ``Bcc``, ``Date`` and
``Message-ID``. Header blocks are filtered line by line as they are read, so ``Subject`` and the
body never reach a parser or a Python string that outlives the line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_to_datetime
from typing import IO

import pandas as pd

from ambassadors.io.load_report import LoadReport

WANTED = {b"from", b"to", b"cc", b"bcc", b"date", b"message-id"}
MAX_HEADER_BYTES = 1 << 20  # a header block larger than this is cut (spam, broken files)
_LINE_LIMIT = 1 << 16


def _valid(addr: str) -> bool:
    return addr.count("@") == 1 and " " not in addr and not addr.startswith("@") and not addr.endswith("@")


_SIMPLE_ADDR = re.compile(r"[^\s<>,;:@\"()\[\]]+@[^\s<>,;:@\"()\[\]]+")
_NOT_SIMPLE = re.compile(r'["()\\:;\[]|=\?')


def addresses(value: str) -> list[str]:
    """Lower-cased addresses in one header value, in order, without duplicates.

    Several addresses per header (``getaddresses``); RFC 2047 encoded display names are decoded
    when the raw value yields no address (mailers that encode ``Name <addr>`` as one word).
    Values without quotes, comments, groups or encoded words (most headers) take a fast path:
    a regular expression finds the ``local@domain`` tokens, which is what ``getaddresses``
    returns for them.
    """
    if not _NOT_SIMPLE.search(value):
        out: list[str] = []
        for a in _SIMPLE_ADDR.findall(value):
            a = a.lower()
            if a not in out:
                out.append(a)
        return out
    found = [a.strip().strip("<>").lower() for _, a in getaddresses([value])]
    if "=?" in value:
        try:
            decoded = str(make_header(decode_header(value)))
        except (ValueError, LookupError, UnicodeError):
            decoded = ""
        found += [a.strip().strip("<>").lower() for _, a in getaddresses([decoded])]
    out: list[str] = []
    for a in found:
        if _valid(a) and a not in out:
            out.append(a)
    return out


def unfold(block: list[bytes]) -> dict[str, list[str]]:
    """Kept header lines -> {lower-case name: [unfolded values]}."""
    headers: dict[str, list[str]] = {}
    name = None
    for line in block:
        text = line.decode("utf-8", errors="replace").rstrip("\r\n")
        if text[:1] in (" ", "\t") and name is not None:
            headers[name][-1] += " " + text.strip()
            continue
        key, _, value = text.partition(":")
        name = key.strip().lower()
        headers.setdefault(name, []).append(value.strip())
    return headers


def keep_line(line: bytes, keeping: bool) -> bool:
    """Whether a header line belongs to one of the WANTED headers (continuations follow their header)."""
    if line[:1] in (b" ", b"\t"):
        return keeping
    return line.split(b":", 1)[0].strip().lower() in WANTED


def read_header_block(stream: IO[bytes]) -> list[bytes]:
    """The kept header lines of one message file (stops at the first blank line)."""
    block: list[bytes] = []
    keeping = False
    size = 0
    at_start = True
    while True:
        line = stream.readline(_LINE_LIMIT)
        if not line:
            break
        whole = at_start
        at_start = line.endswith(b"\n")
        if not whole:
            continue  # the tail of an over-long line
        if line in (b"\n", b"\r\n"):
            break
        keeping = keep_line(line, keeping)
        if keeping and size < MAX_HEADER_BYTES:
            block.append(line)
            size += len(line)
    return block


_CHUNK = 1 << 20
_BOUNDARY = re.compile(rb"\n\r?\n(?=From )")  # a blank line followed by a From_ line
_HEADER_END = re.compile(rb"\n\r?\n")


class _Buffer:
    """A sliding window over a binary stream (chunks of 1 MiB; consumed bytes are dropped)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.buf = b""
        self.eof = False

    def more(self, keep_from: int) -> int:
        """Drop bytes before ``keep_from``, append a chunk; return the shift applied to indices."""
        chunk = self.stream.read(_CHUNK)
        if not chunk:
            self.eof = True
        self.buf = self.buf[keep_from:] + chunk
        return keep_from


def _kept_lines(header: bytes) -> list[bytes]:
    block: list[bytes] = []
    keeping = False
    for line in header.split(b"\n"):
        keeping = keep_line(line, keeping)
        if keeping:
            block.append(line)
    return block


def iter_mbox_blocks(stream: IO[bytes]) -> Iterator[list[bytes]]:
    """Kept header lines of each message of an mbox stream, one message at a time.

    A message starts at a ``From `` line at the beginning of the file or after a blank line.
    The stream is scanned in 1 MiB chunks: only header blocks are split into lines; bodies are
    jumped over with a regular-expression search for the next boundary and dropped.
    """
    w = _Buffer(stream)
    w.more(0)
    while not w.eof and len(w.buf.lstrip(b"\r\n")) < 5:
        w.more(0)
    w.buf = w.buf.lstrip(b"\r\n")
    if not w.buf.startswith(b"From "):
        return  # not an mbox
    pos = 0
    while True:
        nl = w.buf.find(b"\n", pos)
        while nl < 0 and not w.eof:
            pos -= w.more(pos)
            nl = w.buf.find(b"\n", pos)
        if nl < 0:
            yield []
            return
        start = nl + 1
        m = _HEADER_END.search(w.buf, start - 1)
        while m is None and not w.eof and len(w.buf) - start < MAX_HEADER_BYTES:
            start -= w.more(pos)
            pos = 0
            m = _HEADER_END.search(w.buf, start - 1)
        end = m.start() if m is not None else min(len(w.buf), start + MAX_HEADER_BYTES)
        yield _kept_lines(w.buf[start:end])
        at = end
        b = _BOUNDARY.search(w.buf, at)
        while b is None and not w.eof:
            keep = max(at, len(w.buf) - 8)  # a boundary may straddle two chunks
            w.more(keep)
            at = 0
            b = _BOUNDARY.search(w.buf, at)
        if b is None:
            return
        pos = b.end()


class MailCollector:
    """Accumulates the facts of each message (no content) and turns them into raw pairs."""

    def __init__(self) -> None:
        self.sender: list[str | None] = []
        self.recipients: list[list[str]] = []
        self.timestamp: list[str | None] = []
        self.bad_date: list[bool] = []
        self.message_id: list[str | None] = []

    def __len__(self) -> int:
        return len(self.sender)

    def add(self, block: list[bytes]) -> None:
        h = unfold(block)
        senders = addresses(" , ".join(h.get("from", [])))
        rcpt: list[str] = []
        for name in ("to", "cc", "bcc"):
            for value in h.get(name, []):
                for a in addresses(value):
                    if a not in rcpt:
                        rcpt.append(a)
        stamp: str | None = None
        bad = False
        dates = h.get("date")
        if dates:
            try:
                when = parsedate_to_datetime(dates[0])
                if when.tzinfo is None:  # "-0000": UTC by RFC 5322
                    when = when.replace(tzinfo=dt.timezone.utc)
                stamp = when.astimezone(dt.timezone.utc).isoformat()
            except (TypeError, ValueError, IndexError, OverflowError):
                bad = True
        mids = h.get("message-id")
        self.sender.append(senders[0] if senders else None)
        self.recipients.append(rcpt)
        self.timestamp.append(stamp)
        self.bad_date.append(bad)
        self.message_id.append(mids[0].strip() if mids and mids[0].strip() else None)

    def to_pairs(self, report: LoadReport) -> pd.DataFrame:
        """Raw pairs of the usable messages; row-level drops counted in ``report``.

        Drops (rows): ``duplicate_row`` (a Message-ID seen before, e.g. the same message in
        two mailboxes), ``unknown_sender`` (no From address), ``no_recipients``,
        ``bad_timestamp`` (a Date header that does not parse; its pairs are counted too).
        """
        report.rows_read += len(self)
        msgs = pd.DataFrame(
            {
                "source": pd.Series(self.sender, dtype=object),
                "recipients": pd.Series(self.recipients, dtype=object),
                "timestamp": pd.Series(self.timestamp, dtype=object),
                "bad": pd.Series(self.bad_date, dtype=bool),
                "event_id": pd.Series(self.message_id, dtype=object),
            }
        )
        msgs["row"] = range(len(msgs))
        n_rcpt = msgs["recipients"].map(len)
        dup = msgs["event_id"].notna() & msgs["event_id"].duplicated(keep="first")
        no_sender = ~dup & msgs["source"].isna()
        no_rcpt = ~dup & ~no_sender & (n_rcpt == 0)
        bad = ~dup & ~no_sender & ~no_rcpt & msgs["bad"]
        report.drop("duplicate_row", int(dup.sum()))
        report.drop("unknown_sender", int(no_sender.sum()))
        report.drop("no_recipients", int(no_rcpt.sum()))
        report.drop("bad_timestamp", int(bad.sum()))
        report.drop("bad_timestamp", int(n_rcpt[bad].sum()), unit="pairs")
        keep = msgs[~(dup | no_sender | no_rcpt | bad)]
        keep = keep.assign(weight=1.0 / n_rcpt[keep.index])
        pairs = keep.explode("recipients").rename(columns={"recipients": "target"})
        return pairs[["row", "source", "target", "timestamp", "weight", "event_id"]].reset_index(drop=True)
