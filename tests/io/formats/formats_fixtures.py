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


# ---------------------------------------------------------------- Viva Insights, real layouts

#: The columns of Microsoft's sample person query (``pq_data.csv`` of the ``vivainsights``
#: packages), in its order, shortened to a representative subset: metrics, survey items, and the
#: HR attributes -- both ``Level`` and ``LevelDesignation``.
PQ_COLUMNS = ["PersonId", "MetricDate", "Collaboration_hours", "Meeting_and_call_hours",
              "Internal_network_size", "Email_hours", "Channel_message_posts", "Emails_sent",
              "eSat", "Wellbeing", "FunctionType", "SupervisorIndicator", "Level", "Organization",
              "LevelDesignation"]
#: The columns of the sample person-to-person query (``p2p_data.csv``).
P2P_COLUMNS = ["PrimaryCollaborator_PersonId", "SecondaryCollaborator_PersonId", "MetricDate",
               "Diverse_tie_score", "Diverse_tie_type", "Strong_tie_score", "Strong_tie_type",
               "PrimaryCollaborator_Organization", "SecondaryCollaborator_Organization",
               "PrimaryCollaborator_LevelDesignation", "SecondaryCollaborator_LevelDesignation",
               "PrimaryCollaborator_FunctionType", "SecondaryCollaborator_FunctionType"]
WEEKS = ["10/05/2025", "10/12/2025", "10/19/2025", "10/26/2025"]  # MM/DD/YYYY, as Viva writes


def viva_ids(n: int, *, seed: int = 1) -> list[str]:
    """GUID-shaped pseudonymous PersonIds (deterministic)."""
    import random
    import uuid

    rng = random.Random(seed)
    return [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(n)]


def viva_person_query(path: Path, ids: list[str]) -> Path:
    """Weekly rows per person; person 0 moves from Sales to Marketing in the last week."""
    orgs = ["Sales", "Finance", "IT", "HR"]
    levels = [("Level1", "Junior IC"), ("Level2", "Senior IC"), ("Level3", "Manager")]
    lines = [",".join(PQ_COLUMNS)]
    for w, week in enumerate(WEEKS):
        for i, pid in enumerate(ids):
            org = "Marketing" if (i == 0 and w == len(WEEKS) - 1) else orgs[i % len(orgs)]
            level, designation = levels[i % len(levels)]
            esat = "" if (i + w) % 5 == 0 else str(1 + (i + w) % 5)
            lines.append(",".join([
                pid, week, f"{10 + i % 7 + w / 2:.2f}", f"{5 + i % 3:.1f}", str(20 + i % 9),
                f"{3.5 + i % 2:.1f}", str((i * 3 + w) % 4), str(30 + i), esat, str(1 + (i * 7 + w) % 5),
                "Sales" if i % 2 else "Engineering", "Manager" if i % 3 == 2 else "Individual Contributor",
                level, org, designation]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def viva_p2p(path: Path, ids: list[str], *, pairs: list[tuple[int, int]]) -> Path:
    """One row per collaborator pair and week with Viva's tie scores (0-1) and tie types."""
    lines = [",".join(P2P_COLUMNS)]
    for w, week in enumerate(WEEKS):
        for a, b in pairs:
            strong = round(0.2 + ((a * 7 + b * 3 + w) % 8) / 10, 2)
            diverse = round(((a + b + w) % 5) / 10, 2)
            lines.append(",".join([ids[a], ids[b], week, str(diverse),
                                   "Diverse" if diverse > 0.2 else "None", str(strong),
                                   "Strong" if strong > 0.5 else "Weak", "Sales", "IT",
                                   "Junior IC", "Manager", "Sales", "Engineering"]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
