"""scripts/build_registry.py: a bad manifest never touches the registry; a good one rebuilds it exactly.

Every test writes to a copy of registry.csv in tmp_path, never to the package's own file.
"""
import csv
import importlib.util
import os
import shutil
from pathlib import Path

import pytest

from scaling_lib import datasets

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = ROOT / "scaling_lib" / "datasets" / "registry.csv"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("build_registry", ROOT / "scripts" / "build_registry.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def registry(tmp_path):
    """A copy of the package's registry.csv, alone in its folder."""
    folder = tmp_path / "datasets"
    folder.mkdir()
    return Path(shutil.copyfile(REGISTRY, folder / "registry.csv"))


def _rows():
    with open(REGISTRY, newline="") as handle:
        return list(csv.DictReader(handle))


def _write_manifest(path, rows, header=("source", "owner", "url", "sha256", "bytes", "license")):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "owner": "someone", "license": "MIT"} for row in rows)
    return path


def _edited(index, **changes):
    rows = _rows()
    rows[index] = {**rows[index], **changes}
    return rows


def _with_commit(index, commit):
    rows = _rows()
    url = rows[index]["url"]
    rows[index]["url"] = url.replace(url.split("/")[5], commit)  # https://raw.../owner/repo/<commit>/path
    return rows


BAD = {
    "missing-column": (lambda p: _write_manifest(p, _rows(), header=("source", "url", "bytes")),
                       r"missing column\(s\) \['sha256'\]"),
    "truncated-line": (lambda p: p.write_text(_write_manifest(p, _rows()).read_text()[:-60]),
                       r"line \d+: the number of fields does not match the header"),
    "unpinned-url": (lambda p: _write_manifest(p, _with_commit(3, "main")), "pinned to a full 40-hex commit"),
    "bad-sha256": (lambda p: _write_manifest(p, _edited(0, sha256="XYZ")), r"line 2: sha256 'XYZ' is not 64"),
    "bad-bytes": (lambda p: _write_manifest(p, _edited(5, bytes="12.5")), r"line 7: bytes '12.5' is not a positive"),
    "unknown-source": (lambda p: _write_manifest(p, _edited(1, source="not_a_source")),
                       r"source 'not_a_source' has no parser module"),
    "url-twice": (lambda p: _write_manifest(p, _rows() + _rows()[:1]), "is listed more than once"),
    "two-commits": (lambda p: _write_manifest(p, _with_commit(2, "0" * 40)),  # colpret_subset: 5 files
                    "source 'colpret_subset' spans several repositories or commits"),
    "no-rows": (lambda p: _write_manifest(p, []), "no rows"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_manifest_leaves_the_registry_byte_identical(case, script, registry, tmp_path):
    write, message = BAD[case]
    manifest = tmp_path / "MANIFEST.csv"
    write(manifest)
    before = registry.read_bytes()
    with pytest.raises(ValueError, match=message):
        script.build_registry(manifest, registry)
    assert registry.read_bytes() == before
    assert os.listdir(registry.parent) == ["registry.csv"]  # no temporary file left behind


def test_missing_manifest_leaves_the_registry_byte_identical(script, registry, tmp_path):
    before = registry.read_bytes()
    with pytest.raises(FileNotFoundError):
        script.build_registry(tmp_path / "absent.csv", registry)
    assert registry.read_bytes() == before


def test_failed_write_leaves_the_registry_and_no_temporary_file(script, registry, tmp_path, monkeypatch):
    manifest = _write_manifest(tmp_path / "MANIFEST.csv", _rows())
    before = registry.read_bytes()

    def disk_full(self, rows):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(csv.DictWriter, "writerows", disk_full)
    with pytest.raises(OSError, match="No space left"):
        script.build_registry(manifest, registry)
    assert registry.read_bytes() == before
    assert os.listdir(registry.parent) == ["registry.csv"]


def test_good_manifest_rebuilds_the_registry_sorted_and_trimmed(script, registry, tmp_path):
    rows = _rows()
    manifest = _write_manifest(tmp_path / "MANIFEST.csv", rows[::-1])  # any order, extra columns
    registry.write_text("stale\n")
    registry.chmod(0o644)
    assert script.build_registry(manifest, registry) == len(rows) == sum(len(datasets.info(n).files)
                                                                        for n in datasets.names())
    assert registry.read_bytes() == REGISTRY.read_bytes()
    assert registry.stat().st_mode & 0o777 == 0o644  # the temporary file's 0600 is not carried over
    assert os.listdir(registry.parent) == ["registry.csv"]


def test_registry_is_built_from_the_mirror_manifest(script, registry):
    mirror = os.environ.get(datasets.MIRROR_ENV)
    manifest = Path(mirror) / "MANIFEST.csv" if mirror else None
    if manifest is None or not manifest.is_file():
        pytest.skip(f"MANIFEST.csv is not fetchable data: only the offline mirror has it ({datasets.MIRROR_ENV} "
                    "does not name one)")
    registry.write_text("stale\n")
    script.build_registry(manifest, registry)
    assert registry.read_bytes() == REGISTRY.read_bytes()
