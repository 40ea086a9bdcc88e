"""Regenerate ``scaling_lib/datasets/registry.csv`` from a data mirror's ``MANIFEST.csv``.

Run by a maintainer when a source is added or re-pinned::

    python scripts/build_registry.py ../shared/data/MANIFEST.csv

The package never reads the mirror's manifest at run time; it reads the registry written here.
"""
import csv
import sys
from pathlib import Path

KEEP = ("source", "url", "sha256", "bytes")


def main(manifest: str) -> None:
    out = Path(__file__).resolve().parents[1] / "scaling_lib" / "datasets" / "registry.csv"
    with open(manifest, newline="") as fin, open(out, "w", newline="") as fout:
        writer = csv.DictWriter(fout, fieldnames=KEEP, lineterminator="\n")
        writer.writeheader()
        rows = sorted(csv.DictReader(fin), key=lambda r: (r["source"], r["url"]))
        for row in rows:
            writer.writerow({k: row[k] for k in KEEP})
    print(f"wrote {len(rows)} rows to {out}")


if __name__ == "__main__":
    main(sys.argv[1])
