"""Regenerate ``scaling_lib/datasets/registry.csv`` from a data mirror's ``MANIFEST.csv``.

Run by a maintainer when a source is added or re-pinned::

    python scripts/build_registry.py ../shared/data/MANIFEST.csv

The package never reads the mirror's manifest at run time; it reads the registry written here. The
whole manifest is read and checked before anything is written, and the registry is replaced in one
atomic rename, so a bad manifest leaves the current registry untouched.
"""
from __future__ import annotations

import csv
import importlib.util
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from scaling_lib import datasets
from scaling_lib.datasets._fetch import split_raw_url

KEEP = ("source", "url", "sha256", "bytes")
REGISTRY = Path(__file__).resolve().parents[1] / "scaling_lib" / "datasets" / "registry.csv"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _problems(line: int, row: dict) -> list[str]:
    """What is wrong with one manifest row (empty if nothing)."""
    if None in row or None in row.values():  # csv.DictReader's marks of extra and of missing fields
        return [f"line {line}: the number of fields does not match the header"]
    problems = []
    try:
        split_raw_url(row["url"])
    except ValueError as exc:
        problems.append(f"line {line}: {exc}")
    if not _SHA256.match(row["sha256"]):
        problems.append(f"line {line}: sha256 {row['sha256']!r} is not 64 lowercase hex digits")
    if not (row["bytes"].isdigit() and int(row["bytes"]) > 0):
        problems.append(f"line {line}: bytes {row['bytes']!r} is not a positive integer")
    name = row["source"]
    if not (name.isidentifier() and importlib.util.find_spec(f"scaling_lib.datasets.parsers.{name}")
            and name in datasets._PROVENANCE):
        problems.append(f"line {line}: source {name!r} has no parser module in scaling_lib/datasets/parsers/ "
                        "or no license and citation in scaling_lib.datasets._PROVENANCE")
    return problems


def read_manifest(manifest: str | Path) -> list[dict[str, str]]:
    """The registry rows of ``manifest``, sorted by (source, url), after checking every row.

    Raises
    ------
    ValueError
        Naming the manifest, the line and the problem: a missing column, a field count that does not
        match the header (truncated line), a URL not pinned to a commit, a malformed sha256 or size, a
        source without parser or provenance, a URL listed twice, a source spread over several
        repositories or commits, or no rows at all.
    """
    with open(manifest, newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in KEEP if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{manifest}: missing column(s) {missing}; found {reader.fieldnames}")
        numbered = [(reader.line_num, row) for row in reader]
    rows = [row for _, row in numbered]
    problems = [p for line, row in numbered for p in _problems(line, row)]
    urls = [row["url"] for row in rows]
    problems += [f"url {url} is listed more than once" for url in sorted({u for u in urls if urls.count(u) > 1})]
    if not problems:  # every url is pinned, so it names its repository and commit
        pins = {}
        for row in rows:
            pins.setdefault(row["source"], set()).add(split_raw_url(row["url"])[:3])
        problems += [f"source {name!r} spans several repositories or commits: {sorted(pinned)}"
                     for name, pinned in pins.items() if len(pinned) > 1]
    if not rows:
        problems.append("no rows")
    if problems:
        raise ValueError(f"{manifest}: {len(problems)} problem(s), registry not written:\n  " + "\n  ".join(problems))
    return sorted(({k: row[k] for k in KEEP} for row in rows), key=lambda r: (r["source"], r["url"]))


def build_registry(manifest: str | Path, registry: str | Path = REGISTRY) -> int:
    """Write the checked rows of ``manifest`` to ``registry`` atomically; return the number of rows.

    The rows go to a temporary file in the registry's folder, which then replaces ``registry`` in one
    :func:`os.replace`; on any error ``registry`` is left byte for byte as it was.
    """
    rows = read_manifest(manifest)
    registry = Path(registry)
    handle, tmp = tempfile.mkstemp(dir=registry.parent, prefix=f".{registry.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=KEEP, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        if registry.exists():
            shutil.copymode(registry, tmp)  # mkstemp creates the file readable by its owner only
        os.replace(tmp, registry)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(rows)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: python {sys.argv[0]} MANIFEST.csv")
    try:
        print(f"wrote {build_registry(sys.argv[1])} rows to {REGISTRY}")
    except (OSError, ValueError) as exc:
        sys.exit(f"build_registry: {exc}")
