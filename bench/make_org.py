"""Generate a large synthetic organisation for benchmarks, and time it.

Usage (from the repository root)::

    python bench/make_org.py --people 50000 --departments 40 --months 3 --out /tmp/org50k

prints the generation and write times and the sizes, and writes the CSV files to ``--out``
(``people.csv, emails.csv, chat.csv, survey.csv, activity.csv, truth.json``) when given.
"""

from __future__ import annotations

import argparse
import time

from ambassadors.datasets import make_organization


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--departments", type=int, default=40)
    parser.add_argument("--months", type=float, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="folder to write the CSV files to")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    org = make_organization(args.people, args.departments, args.months, seed=args.seed)
    t1 = time.perf_counter()
    e = org.emails
    to = e["recipients"].str.count(";") + 1
    cc = (e["cc"].str.count(";") + 1).fillna(0)
    pairs = int(to.sum() + cc.sum())
    print(f"generated {len(org.people):,} people in {org.people['department'].nunique()} "
          f"departments in {t1 - t0:.1f} s")
    print(f"  {len(e):,} mails, {pairs:,} mail pairs (to + cc), {len(org.chat):,} chat pairs: "
          f"{pairs + len(org.chat):,} pairs in all")
    if args.out:
        org.write(args.out)
        print(f"wrote {args.out} in {time.perf_counter() - t1:.1f} s")


if __name__ == "__main__":
    main()
