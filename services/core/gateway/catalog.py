"""Which botocore services answer to a SigV4 signing name, or to a target prefix.

The credential scope names the service by its signing name (`ec2`, `monitoring`,
`elasticloadbalancing`), and several services may share one (elb and elbv2; rds, docdb
and neptune). An unsigned request has no scope: its X-Amz-Target prefix names the
service instead. Building the index reads the metadata of every bundled model once (from
the head of each file: parsing the whole models took 10 s, most of a fresh `stratolab up`),
and it is kept in a file under the home folder, per botocore version.
"""

from __future__ import annotations

import functools
import gzip
import json
import logging
import os
import re
import tempfile
from pathlib import Path

import botocore
from botocore.loaders import Loader
from django.conf import settings

log = logging.getLogger(__name__)


def _cache_file() -> Path | None:
    home = getattr(settings, "HOME", None)
    if not home:
        return None
    return Path(home) / "cache" / f"aws-catalog-{botocore.__version__}.json"


# The model files open with their metadata: {"version":"2.0","metadata":{...}, ...}.
_METADATA_FIRST = re.compile(r'\A\s*\{\s*(?:"version"\s*:\s*"[^"]*"\s*,\s*)?"metadata"\s*:\s*')
_HEAD_CHARS = 1 << 16


def _metadata(loader: Loader, name: str) -> dict:
    """The "metadata" object of a service's latest model, read from the head of its file;
    the whole model is loaded only where the file does not open with it, or where extras
    files may merge into it."""
    version = loader.determine_latest_version(name, "service-2")
    for root in loader.search_paths:
        stem = os.path.join(root, name, version, "service-2")
        if any(os.path.exists(f"{stem}.{kind}-extras.json") for kind in loader.extras_types):
            break
        for suffix, opener in ((".json.gz", gzip.open), (".json", open)):
            if not os.path.exists(stem + suffix):
                continue
            with opener(stem + suffix, "rt", encoding="utf-8") as f:
                head = f.read(_HEAD_CHARS)
            found = _METADATA_FIRST.match(head)
            if found:
                try:
                    meta, _ = json.JSONDecoder().raw_decode(head, found.end())
                except ValueError:  # metadata longer than the head read
                    meta = None
                if isinstance(meta, dict) and meta.get("apiVersion"):
                    return meta
            return loader.load_service_model(name, "service-2").get("metadata", {})
    return loader.load_service_model(name, "service-2").get("metadata", {})


def _build() -> dict[str, dict[str, list[str]]]:
    loader = Loader()
    signing: dict[str, list[str]] = {}
    targets: dict[str, list[str]] = {}
    for name in loader.list_available_services("service-2"):
        meta = _metadata(loader, name)
        name_signed = meta.get("signingName") or meta.get("endpointPrefix") or name
        signing.setdefault(name_signed, []).append(name)
        if meta.get("targetPrefix"):
            targets.setdefault(meta["targetPrefix"], []).append(name)
    return {"signing": signing, "targets": targets}


@functools.cache
def _index() -> dict[str, dict[str, list[str]]]:
    path = _cache_file()
    if path is not None and path.exists():
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            pass
    index = _build()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a parallel worker never reads half a file.
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w") as out:
                json.dump(index, out)
            os.replace(tmp, path)
        except OSError:
            log.warning("could not cache the AWS service catalog at %s", path)
    return index


def signing_index() -> dict[str, list[str]]:
    return _index()["signing"]


def services_for_target(prefix: str) -> list[str]:
    """The botocore services whose JSON/CBOR target prefix is `prefix` (the part of
    `X-Amz-Target` before the action): how an unsigned request names its service."""
    return list(_index()["targets"].get(prefix, []))


def services_for(signing_name: str) -> list[str]:
    """The botocore service names signed as `signing_name`, best known first."""
    found = list(signing_index().get(signing_name, []))
    # The service named like the signing name is the likely one (iam before iam-toolbox).
    if signing_name in found:
        found.remove(signing_name)
        found.insert(0, signing_name)
    return found
