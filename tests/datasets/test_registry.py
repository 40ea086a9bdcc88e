"""Registry, fetch and validation: every source loads; bad input fails clearly and loses nothing."""
import csv
import os
import shutil
import urllib.error
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scaling_lib import datasets
from scaling_lib.datasets import ChecksumError, Column, DataFormatError, FetchError
from scaling_lib.datasets._fetch import relative_location, split_raw_url
from scaling_lib.datasets._schema import validate_table

MIRROR = os.environ.get(datasets.MIRROR_ENV)
needs_mirror = pytest.mark.skipif(not MIRROR or not Path(MIRROR).is_dir(),
                                  reason=f"{datasets.MIRROR_ENV} does not name the offline data mirror")
SOURCE = "chinchilla_epoch"  # one small file: cheap to corrupt in a private mirror


@pytest.fixture
def private_mirror(tmp_path, monkeypatch):
    """A mirror holding a copy of SOURCE's file, and an empty cache."""
    if not MIRROR:
        pytest.skip("needs the offline data mirror")
    mirror = tmp_path / "mirror"
    [raw] = datasets.info(SOURCE).files
    target = mirror / relative_location(raw.url)
    target.parent.mkdir(parents=True)
    shutil.copyfile(Path(MIRROR) / relative_location(raw.url), target)
    monkeypatch.setenv(datasets.MIRROR_ENV, str(mirror))
    return raw, target, tmp_path / "cache"


@needs_mirror
def test_names_are_the_manifest_sources():
    manifest = Path(MIRROR) / "MANIFEST.csv"
    with open(manifest, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert datasets.names() == sorted({row["source"] for row in rows})
    registered = {(f.url, f.sha256) for name in datasets.names() for f in datasets.info(name).files}
    assert registered == {(row["url"], row["sha256"]) for row in rows}


def test_registry_pins_every_url_to_a_commit():
    for name in datasets.names():
        source = datasets.info(name)
        assert source.license and source.citation
        for raw in source.files:
            owner, repo, commit, path = split_raw_url(raw.url)
            assert commit == source.commit and f"{owner}/{repo}" == source.repository
            assert len(raw.sha256) == 64 and raw.bytes > 0


@needs_mirror
@pytest.mark.parametrize("name", datasets.names())
def test_every_source_loads_a_documented_tidy_table(name, tmp_path):
    table = datasets.load(name)
    assert len(table) > 0
    documented = datasets.columns(name)
    assert list(table.columns) == documented["column"].tolist()
    assert documented["description"].str.len().min() > 0
    assert table.attrs["source"] == name


def test_unknown_source_names_the_registered_ones():
    with pytest.raises(KeyError, match="chinchilla_epoch"):
        datasets.load("chinchilla")


def test_fetch_is_idempotent_and_then_needs_no_mirror(private_mirror, monkeypatch):
    raw, _, cache = private_mirror
    first = datasets.fetch(SOURCE, cache_dir=cache)
    monkeypatch.setenv(datasets.MIRROR_ENV, str(cache.parent / "nowhere"))
    second = datasets.fetch(SOURCE, cache_dir=cache)
    assert first == second
    assert datasets.load(SOURCE, cache_dir=cache).shape == (245, 4)


def test_checksum_mismatch_is_rejected_and_not_cached(private_mirror):
    raw, mirrored, cache = private_mirror
    mirrored.write_bytes(mirrored.read_bytes().replace(b"5.005581996196243", b"4.005581996196243"))
    with pytest.raises(ChecksumError, match=f"{SOURCE}.*checksum mismatch.*{raw.sha256}"):
        datasets.fetch(SOURCE, cache_dir=cache)
    assert not (cache / relative_location(raw.url)).exists()
    assert not list(cache.rglob(".partial-*"))


def test_truncated_mirror_file_is_rejected(private_mirror):
    raw, mirrored, cache = private_mirror
    mirrored.write_bytes(mirrored.read_bytes()[:1000])
    with pytest.raises(ChecksumError, match="1000 bytes"):
        datasets.fetch(SOURCE, cache_dir=cache)


def test_damaged_cache_file_is_fetched_again(private_mirror):
    raw, _, cache = private_mirror
    [path] = datasets.fetch(SOURCE, cache_dir=cache).values()
    path.write_bytes(b"x,y\n1,2\n")
    [again] = datasets.fetch(SOURCE, cache_dir=cache).values()
    assert len(again.read_bytes()) == raw.bytes


def test_missing_mirror_file_names_source_url_and_variable(private_mirror, monkeypatch, tmp_path):
    raw, _, cache = private_mirror
    monkeypatch.setenv(datasets.MIRROR_ENV, str(tmp_path / "empty"))
    with pytest.raises(FetchError, match=f"{SOURCE}: {raw.url} is not in the mirror {datasets.MIRROR_ENV}"):
        datasets.fetch(SOURCE, cache_dir=cache)


def test_no_mirror_and_no_network_names_source_url_and_variable(monkeypatch, tmp_path):
    monkeypatch.delenv(datasets.MIRROR_ENV, raising=False)

    def offline(*args, **kwargs):
        raise urllib.error.URLError("Temporary failure in name resolution")

    monkeypatch.setattr("urllib.request.urlopen", offline)
    [raw] = datasets.info(SOURCE).files
    with pytest.raises(FetchError) as caught:
        datasets.fetch(SOURCE, cache_dir=tmp_path)
    message = str(caught.value)
    assert SOURCE in message and raw.url in message and datasets.MIRROR_ENV in message
    assert not any(tmp_path.rglob("*.csv"))


def test_malformed_file_with_right_name_gives_a_data_format_error(tmp_path):
    from scaling_lib.datasets.parsers import chinchilla_epoch

    broken = tmp_path / "svg_extracted_data.csv"
    broken.write_text('x,y,Model Size\n1,2,"3\n')
    with pytest.raises(DataFormatError, match="svg_extracted_data.csv"):
        chinchilla_epoch.parse({"data/svg_extracted_data.csv": broken})


SCHEMA = [Column("N", "float", "parameters", "model size", positive=True),
          Column("loss", "float", "nats/token", "loss", positive=True),
          Column("model", "str", "", "name")]


@pytest.mark.parametrize("frame, message", [
    (pd.DataFrame({"N": [1e8], "model": ["a"]}), r"missing column\(s\) \['loss'\]"),
    (pd.DataFrame({"N": [1e8, "big"], "loss": [3.0, 2.9], "model": ["a", "b"]}), "'N' must be numeric.*big"),
    (pd.DataFrame({"N": [1e8, -1e9], "loss": [3.0, 2.9], "model": ["a", "b"]}), "'N' must be positive"),
    (pd.DataFrame({"N": [1e8, 1e9], "loss": [3.0, 0.0], "model": ["a", "b"]}), "'loss' must be positive"),
    (pd.DataFrame({"N": [1e8, np.inf], "loss": [3.0, 2.0], "model": ["a", "b"]}), "'N' must be positive and finite"),
    (pd.DataFrame({"N": [1e8, np.nan], "loss": [3.0, 2.0], "model": ["a", "b"]}), "'N' has 1 missing"),
    (pd.DataFrame({"N": [], "loss": [], "model": []}), "empty"),
])
def test_validation_names_source_column_and_problem(frame, message):
    with pytest.raises(DataFormatError, match=message):
        validate_table(frame, SCHEMA, "toy_source")


def test_validation_returns_schema_order_and_dtypes():
    frame = pd.DataFrame({"model": ["a"], "loss": ["3.5"], "N": [10], "extra": [1]})
    out = validate_table(frame, SCHEMA, "toy_source")
    assert list(out.columns) == ["N", "loss", "model"]
    assert out["N"].dtype == np.float64 and out["loss"].iloc[0] == 3.5


def test_column_reference_is_up_to_date():
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("document_datasets", root / "scripts" / "document_datasets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (root / "data" / "README.md").read_text() == module.render(), \
        "data/README.md is stale: run python scripts/document_datasets.py"


def test_unreadable_mirror_file_is_a_fetch_error(private_mirror):
    raw, mirrored, cache = private_mirror
    mirrored.unlink()
    mirrored.mkdir()  # reading a directory raises IsADirectoryError, not FileNotFoundError
    with pytest.raises(FetchError, match="cannot read"):
        datasets.fetch(SOURCE, cache_dir=cache)
