"""Small realistic export fixtures for the tests of ambassadors.io.formats (standard library only)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd

SECRET = "TOP-SECRET-CONTENT-42"  # put in every subject / body / text: must never come out


def roster() -> pd.DataFrame:
    """Five people; e-mails in mixed case to exercise case-insensitive matching."""
    return pd.DataFrame(
        {
            "department": ["Sales", "Sales", "IT", "IT", "HR"],
            "email": ["Ann@X.org", "bob@x.org", "cy@x.org", "di@x.org", "ed@x.org"],
        },
        index=pd.Index(["001", "002", "003", "004", "005"], name="person_id"),
    )


def mail_bytes(headers: dict[str, str] | list[tuple[str, str]], body: str = f"Hello {SECRET}\n") -> bytes:
    items = headers.items() if isinstance(headers, dict) else headers
    head = "".join(f"{k}: {v}\n" for k, v in items)
    return (head + f"Subject: {SECRET}\n\n" + body).encode("utf-8")


def write_mbox(path: Path, messages: list[bytes]) -> Path:
    """An mboxrd file: 'From ' separator lines, body 'From ' lines escaped as '>From '."""
    with open(path, "wb") as fh:
        for raw in messages:
            head, _, body = raw.partition(b"\n\n")
            body = b"\n".join(b">" + ln if ln.startswith(b"From ") else ln for ln in body.split(b"\n"))
            fh.write(b"From MAILER-DAEMON Mon Nov  3 09:00:00 2025\n" + head + b"\n\n" + body + b"\n")
    return path


def write_tree(root: Path, files: dict[str, object]) -> Path:
    """Write {relative path: JSON-able object | str | bytes} under root."""
    for name, content in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        elif isinstance(content, str):
            p.write_text(content, encoding="utf-8")
        else:
            p.write_text(json.dumps(content), encoding="utf-8")
    return root


def write_zip(path: Path, files: dict[str, object]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            if isinstance(content, str):
                content = content.encode("utf-8")
            elif not isinstance(content, bytes):
                content = json.dumps(content).encode("utf-8")
            zf.writestr(name, content)
    return path


def no_content(loaded, *extra: str) -> bool:
    """True when SECRET (and the extra strings) appear nowhere in the table, index or report."""
    table, report = loaded
    text = table.astype(str).to_csv() + str(table.index.tolist()) + str(report) + str(report.notes)
    return all(s not in text for s in (SECRET, *extra))
