"""An on-disk cache of pruning scores, keyed by everything that determines them.

Each entry is one ``.npz`` file named by the sha256 of the canonical JSON of its key. The file holds
the scores, the key's JSON and a sha256 of the scores' bytes, so that a truncated, corrupted, stale or
colliding file is recognised on reading, reported with a warning and treated as missing; the caller then
recomputes and overwrites it. Writes go to a temporary file in the same directory, which is then renamed
over the entry (:func:`os.replace` is atomic), so an interrupted or concurrent write never leaves a
half-written entry under the final name.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np

__all__ = ["CacheWarning", "ScoreCache", "canonical_json", "digest"]


class CacheWarning(UserWarning):
    """A cache entry could not be used (unreadable, stale or corrupted) and will be recomputed."""


def canonical_json(value) -> str:
    """``value`` as JSON with sorted keys and no whitespace: equal values give equal strings.

    Raises
    ------
    TypeError
        If ``value`` holds something JSON cannot represent (e.g. a NumPy scalar or an array).
    ValueError
        If it holds NaN or an infinity.
    """
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except TypeError as exc:
        raise TypeError(f"cache key parts must be plain JSON values (str, int, float, bool, None, "
                        f"lists, dicts): {exc}") from None


def digest(value) -> str:
    """sha256 (hex) of :func:`canonical_json` of ``value``."""
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def _array_sha256(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


class ScoreCache:
    """Scores stored as ``<directory>/<sha256 of key>.npz``.

    Parameters
    ----------
    directory : str or path-like
        Where the entries live; created (with parents) if missing.
    """

    def __init__(self, directory):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def path(self, key_parts: dict) -> Path:
        """The file that holds (or would hold) the entry for ``key_parts``."""
        return self.directory / f"{digest(key_parts)}.npz"

    def get(self, key_parts: dict) -> np.ndarray | None:
        """The stored scores for ``key_parts``, or None if there is no usable entry.

        An entry that cannot be read, was stored under another key, or whose scores do not match
        their recorded checksum, shape or dtype is reported with a :class:`CacheWarning` and
        treated as missing.
        """
        path = self.path(key_parts)
        if not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as stored:
                scores = stored["scores"]
                meta = json.loads(str(stored["meta"]))
        except Exception as exc:  # noqa: BLE001 - any failure to read means the file is unusable
            return self._unusable(path, f"cannot be read ({type(exc).__name__}: {exc})")
        if meta.get("key") != canonical_json(key_parts):
            return self._unusable(path, "was stored under a different key (stale entry or hash collision)")
        if (meta.get("shape") != list(scores.shape) or meta.get("dtype") != scores.dtype.str
                or meta.get("sha256") != _array_sha256(scores)):
            return self._unusable(path, "holds scores that do not match their recorded checksum, shape or dtype")
        return scores

    def put(self, key_parts: dict, scores) -> Path:
        """Store ``scores`` under ``key_parts`` atomically, replacing any entry; returns the file."""
        scores = np.asarray(scores)
        path = self.path(key_parts)
        meta = {"key": canonical_json(key_parts), "shape": list(scores.shape), "dtype": scores.dtype.str,
                "sha256": _array_sha256(scores)}
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=f".{path.stem}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(handle, scores=scores, meta=np.array(json.dumps(meta)))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    @staticmethod
    def _unusable(path: Path, reason: str) -> None:
        warnings.warn(f"score cache file {path} {reason}; it will be recomputed", CacheWarning, stacklevel=3)
