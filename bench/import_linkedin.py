"""Benchmark: importing a LinkedIn Connections.csv of 10,000 to 50,000 rows.

Run with `make bench` (or `python bench/import_linkedin.py [--sizes 10000 50000]`). For each
size it writes a LinkedIn export (the current format, with its "Notes:" preamble, CRLF) to
a temporary folder, then in a throw-away SQLite database:

1. imports it for a new student and times it (rows per second);
2. imports it again (every row matches: nothing is created) and times that;
3. imports it a third time, for another student, under tracemalloc, for the peak memory
   the import allocates in Python. It should stay flat as the file grows: the file is read
   a row at a time and written in batches.

Prints a Markdown table to paste into the README.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

from harness import FIRST, LAST, django_for_bench

django_for_bench()

from django.core.management import call_command  # noqa: E402

from coffeechat.accounts.services import user_create  # noqa: E402
from coffeechat.interchange import services  # noqa: E402
from coffeechat.network.models import Contact  # noqa: E402

PREAMBLE = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    'connections to see or download their email address using this setting."\r\n'
    "\r\n"
)
HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def write_export(path: Path, rows: int) -> None:
    rng = random.Random(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(PREAMBLE)
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(
            [
                "First Name",
                "Last Name",
                "URL",
                "Email Address",
                "Company",
                "Position",
                "Connected On",
            ]
        )
        for i in range(rows):
            first, last = rng.choice(FIRST), f"{rng.choice(LAST)}{i}"
            writer.writerow(
                [
                    first,
                    last,
                    f"https://www.linkedin.com/in/{first.lower()}-{last.lower()}-{i:x}",
                    f"{first.lower()}.{i}@example.com" if rng.random() < 0.1 else "",
                    f"Company {rng.randrange(max(1, rows // 20))}",
                    rng.choice(["Analyst", "Software Engineer", "Nurse", "Teacher", "Designer"]),
                    f"{rng.randrange(1, 29)} {rng.choice(MONTHS)} {rng.randrange(2015, 2027)}",
                ]
            )


def import_once(username: str, path: Path) -> tuple[float, object]:
    owner = user_create(username=username, email=f"{username}@example.edu", password="x" * 12)
    start = time.perf_counter()
    with path.open("rb") as handle:
        upload = services.upload_open(handle, name=path.name)
        report = services.contacts_import_file(owner=owner, upload=upload, fmt="linkedin")
    return time.perf_counter() - start, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 25_000, 50_000])
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    folder = Path(tempfile.mkdtemp(prefix="coffeechat-bench-files-"))
    print("| rows | file MB | first import s | rows/s | re-import s | rows/s | peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        path = folder / f"Connections-{size}.csv"
        write_export(path, size)
        seconds, report = import_once(f"first{size}", path)
        assert report.created == size, report  # type: ignore[attr-defined]
        owner_name = f"first{size}"
        start = time.perf_counter()
        with path.open("rb") as handle:
            from django.contrib.auth import get_user_model

            owner = get_user_model().objects.get(username=owner_name)
            upload = services.upload_open(handle, name=path.name)
            again = services.contacts_import_file(owner=owner, upload=upload, fmt="linkedin")
        again_seconds = time.perf_counter() - start
        assert again.created == 0 and again.unchanged == size, again
        assert Contact.objects.filter(owner=owner).count() == size
        tracemalloc.start()
        import_once(f"memory{size}", path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"| {size:,} | {path.stat().st_size / 1e6:.1f} | {seconds:.1f} | "
            f"{size / seconds:,.0f} | {again_seconds:.1f} | {size / again_seconds:,.0f} | "
            f"{peak / 1e6:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
