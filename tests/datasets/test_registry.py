"""Registry, fetch and validation: every source loads; bad input fails clearly and loses nothing."""
import importlib.util
import re
import shutil
import urllib.error
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scaling_lib import datasets
from scaling_lib.datasets import ChecksumError, Column, DataFormatError, FetchError, validate_table
from scaling_lib.datasets._fetch import default_cache_dir, relative_location, split_raw_url

SOURCE = "chinchilla_epoch"  # one small file: cheap to corrupt in a private mirror


@pytest.fixture
def private_mirror(raw, tmp_path, monkeypatch):
    """A mirror holding a copy of SOURCE's fetched file, and an empty cache."""
    [entry] = datasets.info(SOURCE).files
    [fetched] = raw.files(SOURCE).values()
    target = tmp_path / "mirror" / relative_location(entry.url)
    target.parent.mkdir(parents=True)
    shutil.copyfile(fetched, target)
    monkeypatch.setenv(datasets.MIRROR_ENV, str(tmp_path / "mirror"))
    return entry, target, tmp_path / "cache"


def test_every_source_has_a_parser_and_provenance():
    parsers = Path(datasets.__file__).with_name("parsers")
    modules = sorted(p.stem for p in parsers.glob("*.py") if p.stem != "__init__")
    assert datasets.names() == modules == sorted(datasets._PROVENANCE)
    for name in datasets.names():
        parser = datasets._parser(name)
        assert parser.DESCRIPTION and callable(parser.parse)
        assert [c.name for c in parser.COLUMNS] == datasets.columns(name)["column"].tolist()


def test_registry_pins_every_url_to_a_commit():
    for name in datasets.names():
        source = datasets.info(name)
        assert source.license and source.citation
        for entry in source.files:
            owner, repo, commit, path = split_raw_url(entry.url)
            assert commit == source.commit and f"{owner}/{repo}" == source.repository
            assert len(entry.sha256) == 64 and entry.bytes > 0


@pytest.mark.parametrize("name", datasets.names())
def test_every_source_loads_a_documented_tidy_table(name, raw):
    table = raw.load(name)
    assert len(table) > 0
    documented = datasets.columns(name)
    assert list(table.columns) == documented["column"].tolist()
    assert documented["description"].str.len().min() > 0
    assert table.attrs["source"] == name


def test_a_load_without_cache_dir_stays_in_the_private_cache(raw, tmp_path_factory):
    assert default_cache_dir() == raw.cache
    assert raw.cache.is_relative_to(tmp_path_factory.getbasetemp())  # not the user's data/cache
    [fetched] = raw.files(SOURCE).values()
    assert fetched.is_relative_to(raw.cache)
    assert datasets.load(SOURCE).shape == (245, 4)  # found in the private cache: no mirror, no network needed


def test_unknown_source_names_the_registered_ones():
    with pytest.raises(KeyError, match="chinchilla_epoch"):
        datasets.load("chinchilla")


def test_fetch_is_idempotent_and_then_needs_no_mirror(private_mirror, monkeypatch):
    _, _, cache = private_mirror
    first = datasets.fetch(SOURCE, cache_dir=cache)
    monkeypatch.setenv(datasets.MIRROR_ENV, str(cache.parent / "nowhere"))
    second = datasets.fetch(SOURCE, cache_dir=cache)
    assert first == second
    assert datasets.load(SOURCE, cache_dir=cache).shape == (245, 4)


def test_checksum_mismatch_is_rejected_and_not_cached(private_mirror):
    entry, mirrored, cache = private_mirror
    mirrored.write_bytes(mirrored.read_bytes().replace(b"5.005581996196243", b"4.005581996196243"))
    with pytest.raises(ChecksumError, match=f"{SOURCE}.*checksum mismatch.*{entry.sha256}"):
        datasets.fetch(SOURCE, cache_dir=cache)
    assert not (cache / relative_location(entry.url)).exists()
    assert not list(cache.rglob(".partial-*"))


def test_truncated_mirror_file_is_rejected(private_mirror):
    _, mirrored, cache = private_mirror
    mirrored.write_bytes(mirrored.read_bytes()[:1000])
    with pytest.raises(ChecksumError, match="1000 bytes"):
        datasets.fetch(SOURCE, cache_dir=cache)


def test_damaged_cache_file_is_fetched_again(private_mirror):
    entry, _, cache = private_mirror
    [path] = datasets.fetch(SOURCE, cache_dir=cache).values()
    path.write_bytes(b"x,y\n1,2\n")
    [again] = datasets.fetch(SOURCE, cache_dir=cache).values()
    assert len(again.read_bytes()) == entry.bytes


def test_missing_mirror_file_names_source_url_and_variable(private_mirror, monkeypatch, tmp_path):
    entry, _, cache = private_mirror
    monkeypatch.setenv(datasets.MIRROR_ENV, str(tmp_path / "empty"))
    with pytest.raises(FetchError, match=f"{SOURCE}: {entry.url} is not in the mirror {datasets.MIRROR_ENV}"):
        datasets.fetch(SOURCE, cache_dir=cache)


def test_no_mirror_and_no_network_names_source_url_and_variable(monkeypatch, tmp_path):
    monkeypatch.delenv(datasets.MIRROR_ENV, raising=False)

    def offline(*args, **kwargs):
        raise urllib.error.URLError("Temporary failure in name resolution")

    monkeypatch.setattr("urllib.request.urlopen", offline)
    [entry] = datasets.info(SOURCE).files
    with pytest.raises(FetchError) as caught:
        datasets.fetch(SOURCE, cache_dir=tmp_path)
    message = str(caught.value)
    assert SOURCE in message and entry.url in message and datasets.MIRROR_ENV in message
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


COUNTS = [Column("n", "int", "samples", "count", nullable=True), Column("final", "bool", "", "flag")]


@pytest.mark.parametrize("values, shown", [([1.0, 1.7], "1.7"), ([3, 2.5, 1e9 + 0.5], "2.5, 1000000000.5"),
                                           (["4", "4.2"], "4.2"), ([1, np.inf], "inf")])
def test_int_column_rejects_fractional_values(values, shown):
    frame = pd.DataFrame({"n": values, "final": [True] * len(values)})
    with pytest.raises(DataFormatError, match=rf"toy_source: column 'n' must hold whole numbers \(int\); "
                                              rf"found \[{re.escape(shown)}\]"):
        validate_table(frame, COUNTS, "toy_source")


def test_int_column_keeps_whole_values_and_missing_ones():
    out = validate_table(pd.DataFrame({"n": [1.0, "2", None], "final": [True] * 3}), COUNTS, "toy_source")
    assert out["n"].dtype == "Int64" and out["n"].tolist()[:2] == [1, 2] and out["n"].isna().iloc[2]
    out = validate_table(pd.DataFrame({"n": [3.0, 10 ** 15], "final": [True] * 2}), COUNTS, "toy_source")
    assert out["n"].dtype == np.int64 and out["n"].tolist() == [3, 10 ** 15]


def test_bool_column_reads_booleans_zero_one_and_true_false_text():
    values = [True, False, np.True_, 1, 0, 1.0, 0.0, "False", " TRUE ", "true", "false\n", "FaLsE"]
    out = validate_table(pd.DataFrame({"n": [1] * len(values), "final": values}), COUNTS, "toy_source")
    assert out["final"].dtype == bool
    assert out["final"].tolist() == [True, False, True, True, False, True, False, False, True, True, False, False]


@pytest.mark.parametrize("bad", ["yes", "F", "1", 2, 0.5, "", "nan"])
def test_bool_column_rejects_anything_else(bad):
    frame = pd.DataFrame({"n": [1, 2], "final": [True, bad]})
    with pytest.raises(DataFormatError, match=rf"toy_source: column 'final' must be boolean.*found \[{str(bad)!r}\]"):
        validate_table(frame, COUNTS, "toy_source")


def test_nullable_bool_column_keeps_missing_values():
    schema = [Column("final", "bool", "", "flag", nullable=True)]
    out = validate_table(pd.DataFrame({"final": ["false", None, 1]}), schema, "toy_source")
    assert out["final"].dtype == "boolean" and out["final"].tolist() == [False, pd.NA, True]
    with pytest.raises(DataFormatError, match="'final' has 1 missing"):
        validate_table(pd.DataFrame({"n": [1, 2], "final": [True, None]}), COUNTS, "toy_source")


def test_validation_returns_schema_order_and_dtypes():
    frame = pd.DataFrame({"model": ["a"], "loss": ["3.5"], "N": [10], "extra": [1]})
    out = validate_table(frame, SCHEMA, "toy_source")
    assert list(out.columns) == ["N", "loss", "model"]
    assert out["N"].dtype == np.float64 and out["loss"].iloc[0] == 3.5


def test_column_reference_is_up_to_date():
    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("document_datasets", root / "scripts" / "document_datasets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (root / "data" / "README.md").read_text() == module.render(), \
        "data/README.md is stale: run python scripts/document_datasets.py"


def test_unreadable_mirror_file_is_a_fetch_error(private_mirror):
    _, mirrored, cache = private_mirror
    mirrored.unlink()
    mirrored.mkdir()  # reading a directory raises IsADirectoryError, not FileNotFoundError
    with pytest.raises(FetchError, match="cannot read"):
        datasets.fetch(SOURCE, cache_dir=cache)


def test_catalog_lists_every_source_with_its_registry_entry():
    catalog = datasets.catalog()
    assert catalog.index.tolist() == datasets.names() and catalog.index.name == "source"
    assert list(catalog.columns) == ["repository", "commit", "files", "bytes", "license", "citation"]
    for name, row in catalog.iterrows():
        source = datasets.info(name)
        assert row["repository"] == source.repository and source.commit.startswith(row["commit"])
        assert len(row["commit"]) == 10
        assert row["files"] == len(source.files) and row["bytes"] == sum(f.bytes for f in source.files)
        assert (row["license"], row["citation"]) == (source.license, source.citation)
    assert catalog.loc["pythia_evals", "files"] == 672 and catalog.loc["chinchilla_epoch", "bytes"] == 23_224
    assert catalog.loc["gadre_overtraining", "license"] == "MIT"


def test_summarize_counts_rows_and_spans_the_scale_columns():
    tables = {
        "runs": pd.DataFrame({"N": [1e6, 1e9, np.nan], "tokens": ["2e9", "2e11", "x"], "C": [0.0, 6e15, 1e21],
                              "name": ["a", "b", "c"]}),
        "labels": pd.DataFrame({"model": ["a", "b"]}),
    }
    summary = datasets.summarize(tables)
    assert summary.index.tolist() == ["runs", "labels"]
    assert summary.loc["runs", "rows"] == 3 and summary.loc["runs", "columns"] == 4
    assert summary.loc["runs", ["N_min", "N_max", "N_decades"]].tolist() == pytest.approx([1e6, 1e9, 3.0])
    # tokens are reported as D; text that is not a number is ignored
    assert summary.loc["runs", ["D_min", "D_max", "D_decades"]].tolist() == pytest.approx([2e9, 2e11, 2.0])
    # C = 0 is not a scale: only positive values count
    assert summary.loc["runs", ["C_min", "C_decades"]].tolist() == pytest.approx([6e15, np.log10(1e21 / 6e15)])
    assert "k_min" not in summary.columns
    assert summary.loc["labels", ["rows", "columns"]].tolist() == [2, 1]
    assert summary.loc["labels", ["N_min", "D_max", "C_decades"]].isna().all()


def test_summarize_the_real_tables(raw):
    summary = datasets.summarize({name: raw.load(name) for name in ("chinchilla_epoch", "llmonkeys_digitized")})
    chin = raw.load("chinchilla_epoch")
    assert summary.loc["chinchilla_epoch", ["rows", "columns"]].tolist() == [245, 4]
    assert summary.loc["chinchilla_epoch", "N_min"] == chin["N"].min()
    assert summary.loc["chinchilla_epoch", "C_decades"] == pytest.approx(np.log10(chin["C"].max() / chin["C"].min()))
    assert summary.loc["llmonkeys_digitized", "k_decades"] == pytest.approx(4.01, abs=0.005)
