"""scaling_lib.pruning.cache: round trips, and every kind of bad entry is noticed and rebuilt."""
import json
import threading
import warnings

import numpy as np
import pytest

from scaling_lib.pruning import cache as cache_module
from scaling_lib.pruning.cache import CacheWarning, ScoreCache, canonical_json
from scaling_lib.pruning.data import mnist1d
from scaling_lib.pruning.metrics import score_examples

KEY = {"dataset": "abc", "metric": "el2n", "seed": 0, "settings": {"epochs": 5, "hidden": [100, 100]}}


@pytest.fixture
def store(tmp_path):
    return ScoreCache(tmp_path / "scores")


def test_round_trip_exact(store):
    scores = np.random.default_rng(0).random(1000)
    path = store.put(KEY, scores)
    assert path.parent == store.directory and path.suffix == ".npz"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = store.get(KEY)
    assert got.dtype == scores.dtype and got.tobytes() == scores.tobytes()
    assert store.get({**KEY, "seed": 1}) is None


def test_key_is_canonical_and_settings_change_it(store):
    reordered = {"settings": {"hidden": [100, 100], "epochs": 5}, "seed": 0, "metric": "el2n", "dataset": "abc"}
    assert store.path(reordered) == store.path(KEY)
    assert store.path({**KEY, "settings": {"epochs": 6, "hidden": [100, 100]}}) != store.path(KEY)
    with pytest.raises(TypeError, match="plain JSON values"):
        store.path({"seed": np.arange(2)})


def test_truncated_file_is_detected(store):
    path = store.put(KEY, np.arange(100.0))
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.warns(CacheWarning, match=f"{path.name} cannot be read"):
        assert store.get(KEY) is None


def test_flipped_byte_in_scores_is_detected(store):
    scores = np.arange(100.0)
    path = store.put(KEY, scores)
    raw = bytearray(path.read_bytes())
    at = bytes(raw).find(scores[50:51].tobytes())
    assert at > 0
    raw[at] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.warns(CacheWarning, match=path.name):
        assert store.get(KEY) is None


def _rewrite(path, scores, **meta_changes):
    """Overwrite an entry with a well-formed file whose metadata is altered."""
    with np.load(path) as stored:
        meta = json.loads(str(stored["meta"]))
    np.savez(path, scores=scores, meta=np.array(json.dumps({**meta, **meta_changes})))


def test_wrong_checksum_shape_or_dtype_is_detected(store):
    scores = np.arange(12.0)
    path = store.put(KEY, scores)
    for changes in ({"sha256": "0" * 64}, {"shape": [3, 4]}, {"dtype": "<f4"}):
        _rewrite(path, scores, **changes)
        with pytest.warns(CacheWarning, match="do not match their recorded checksum, shape or dtype"):
            assert store.get(KEY) is None


def test_stale_entry_is_detected(store):
    other = {**KEY, "metric": "grand"}
    store.put(other, np.ones(3)).replace(store.path(KEY))
    with pytest.warns(CacheWarning, match="stored under a different key"):
        assert store.get(KEY) is None


def test_failed_write_leaves_old_entry_and_no_temporary_file(store, monkeypatch):
    store.put(KEY, np.zeros(10))

    def interrupted(handle, **arrays):
        handle.write(b"PK\x03\x04 half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(cache_module.np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.put(KEY, np.ones(10))
    monkeypatch.undo()
    np.testing.assert_array_equal(store.get(KEY), np.zeros(10))
    assert [p.name for p in store.directory.iterdir()] == [store.path(KEY).name]


def test_concurrent_writers_leave_one_valid_entry(store):
    arrays = [np.full(5000, float(i)) for i in range(8)]
    threads = [threading.Thread(target=store.put, args=(KEY, a)) for a in arrays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = store.get(KEY)
    assert any(np.array_equal(got, a) for a in arrays)
    assert len(list(store.directory.iterdir())) == 1


def test_score_examples_caches_and_rebuilds_a_corrupted_entry(tmp_path):
    data = mnist1d(190, 10, seed=0)
    first = score_examples(data, "el2n", seed=1, cache_dir=tmp_path, n_seeds=2, epochs=2)
    (path,) = tmp_path.glob("*.npz")
    with np.load(path) as stored:
        key = json.loads(str(stored["meta"]))["key"]
    assert json.loads(key)["dataset"] == data.key and canonical_json(json.loads(key)) == key
    assert score_examples(data, "el2n", seed=1, cache_dir=tmp_path, n_seeds=2, epochs=2).tobytes() == first.tobytes()
    path.write_bytes(b"not a zip file")
    with pytest.warns(CacheWarning, match="cannot be read"):
        rebuilt = score_examples(data, "el2n", seed=1, cache_dir=tmp_path, n_seeds=2, epochs=2)
    assert rebuilt.tobytes() == first.tobytes()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ScoreCache(tmp_path).get(json.loads(key)).tobytes() == first.tobytes()
