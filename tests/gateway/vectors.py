"""botocore's protocol test vectors, fetched from the sdist of the installed botocore.

The wheel does not ship them, so pip downloads the sdist once (from the configured
package index, with pip's own hash checks) and the vector files are kept under the test
home. Nothing here is committed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import botocore

from console import home

PROTOCOLS = ("ec2", "query", "json", "json_1_0", "rest-json", "rest-xml", "smithy-rpc-v2-cbor",
             "smithy-rpc-v2-cbor-query-compatible", "smithy-rpc-v2-cbor-non-query-compatible",
             "json_1_0-query-compatible")  # fmt: skip


class Unavailable(Exception):
    pass


def cache_dir() -> Path:
    return home.home_dir() / "test-cache" / f"botocore-{botocore.__version__}-protocols"


def _download(folder: Path) -> Path:
    version = botocore.__version__
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
               "--no-binary", ":all:", f"botocore=={version}", "--dest", str(folder)]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Unavailable(
            f"could not run pip to fetch the botocore {version} sdist: {exc}"
        ) from exc
    found = sorted(folder.glob("botocore-*.tar.gz"))
    if done.returncode != 0 or not found:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise Unavailable(f"PyPI is unreachable or has no botocore {version} sdist: {tail[0]}")
    return found[0]


def vector_dir() -> Path:
    """The folder holding input/*.json and output/*.json (and legacy/), fetched if needed."""
    target = cache_dir()
    if (target / "complete").exists():
        return target
    marker = "/tests/unit/protocols/"
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(_download(Path(tmp))) as archive:
        for member in archive.getmembers():
            if (
                marker not in member.name
                or not member.isfile()
                or not member.name.endswith(".json")
            ):
                continue
            relative = member.name.split(marker, 1)[1]
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(archive.extractfile(member).read())
    (target / "complete").write_text(botocore.__version__)
    return target


def load_cases(kind: str) -> list[tuple[str, dict, dict]]:
    """(file label, suite, case) for every case of `kind` ("input" or "output")."""
    root = vector_dir()
    found = []
    for folder in (root / kind, root / "legacy" / kind):
        for path in sorted(folder.glob("*.json")):
            if path.stem not in PROTOCOLS:
                continue
            label = f"{'legacy/' if 'legacy' in path.parts else ''}{kind}/{path.stem}"
            for suite in json.loads(path.read_text()):
                for case in suite["cases"]:
                    found.append((label, suite, case))
    return found


def ignore_list() -> dict:
    path = vector_dir() / "protocol-tests-ignore-list.json"
    return json.loads(path.read_text()) if path.exists() else {}
