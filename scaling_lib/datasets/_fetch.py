"""Download (or copy from a local mirror) pinned raw files, verify their sha256, cache them.

Files are addressed by their ``raw.githubusercontent.com`` URL pinned to a 40-hex commit.
When the environment variable ``SCALING_LIB_DATA_MIRROR`` names a folder laid out as
``github/{owner}/{repo}/{commit}/{path}``, bytes come from there instead of the network.
Every file is checked against its registered sha256 *before* it is written into the cache,
and written through a temporary file and an atomic rename, so the cache never holds a
partial or wrong file.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

MIRROR_ENV = "SCALING_LIB_DATA_MIRROR"
CACHE_ENV = "SCALING_LIB_CACHE"
RAW_PREFIX = "https://raw.githubusercontent.com/"
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


class FetchError(RuntimeError):
    """A registered file could not be obtained (no mirror copy, no network, HTTP error)."""


class ChecksumError(FetchError):
    """Bytes obtained for a registered file do not match its sha256; nothing was cached."""


def default_cache_dir() -> Path:
    """The cache folder: ``$SCALING_LIB_CACHE``, else ``data/cache`` of a source checkout, else ``~/.cache``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "scaling_lib").is_dir():
        return checkout / "data" / "cache"
    return Path.home() / ".cache" / "scaling_lib"


def split_raw_url(url: str) -> tuple[str, str, str, str]:
    """Split a pinned raw URL into ``(owner, repo, commit, path)``; the path is percent-decoded."""
    if not url.startswith(RAW_PREFIX):
        raise ValueError(f"not a raw.githubusercontent.com URL: {url!r}")
    parts = urllib.parse.unquote(url[len(RAW_PREFIX):]).split("/", 3)
    if len(parts) != 4 or not _COMMIT.match(parts[2]):
        raise ValueError(f"URL must be pinned to a full 40-hex commit: {url!r}")
    return parts[0], parts[1], parts[2], parts[3]


def relative_location(url: str) -> Path:
    """Where a URL's file lives below a mirror root or cache root: ``github/owner/repo/commit/path``."""
    owner, repo, commit, path = split_raw_url(url)
    return Path("github", owner, repo, commit, *path.split("/"))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _obtain_bytes(url: str, source: str) -> bytes:
    mirror = os.environ.get(MIRROR_ENV)
    if mirror:
        local = Path(mirror).expanduser() / relative_location(url)
        try:
            return local.read_bytes()
        except FileNotFoundError:
            raise FetchError(
                f"{source}: {url} is not in the mirror {MIRROR_ENV}={mirror} (looked for {local})") from None
        except OSError as exc:
            raise FetchError(f"{source}: cannot read {local} (mirror copy of {url}): {exc}") from exc
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise FetchError(
            f"{source}: cannot download {url} ({exc}); with no network, set {MIRROR_ENV} to a folder "
            f"laid out as github/{{owner}}/{{repo}}/{{commit}}/{{path}} (e.g. ../shared/data)") from exc


def fetch_file(url: str, sha256: str, cache_dir: Path, source: str) -> Path:
    """Return the cached path of ``url``, obtaining and verifying it first if needed.

    A cached file whose hash no longer matches (edited or truncated by hand) is fetched again.
    """
    target = Path(cache_dir) / relative_location(url)
    if target.is_file() and sha256_of(target) == sha256:
        return target
    payload = _obtain_bytes(url, source)
    actual = hashlib.sha256(payload).hexdigest()
    if actual != sha256:
        raise ChecksumError(
            f"{source}: checksum mismatch for {url}: expected sha256 {sha256}, got {actual} "
            f"({len(payload)} bytes); the file was rejected and not cached")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
