"""Which botocore services answer to a SigV4 signing name.

The credential scope names the service by its signing name (`ec2`, `monitoring`,
`elasticloadbalancing`), and several services may share one (elb and elbv2; rds, docdb
and neptune). Building the index reads every bundled model once, which takes seconds,
so it is kept in a file under the home folder, per botocore version.
"""

from __future__ import annotations

import functools
import json
import logging
import os
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
    return Path(home) / "cache" / f"aws-signing-names-{botocore.__version__}.json"


def _build() -> dict[str, list[str]]:
    loader = Loader()
    index: dict[str, list[str]] = {}
    for name in loader.list_available_services("service-2"):
        meta = loader.load_service_model(name, "service-2").get("metadata", {})
        signing = meta.get("signingName") or meta.get("endpointPrefix") or name
        index.setdefault(signing, []).append(name)
    return index


@functools.cache
def signing_index() -> dict[str, list[str]]:
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
            log.warning("could not cache the AWS signing-name index at %s", path)
    return index


def services_for(signing_name: str) -> list[str]:
    """The botocore service names signed as `signing_name`, best known first."""
    found = list(signing_index().get(signing_name, []))
    # The service named like the signing name is the likely one (iam before iam-toolbox).
    if signing_name in found:
        found.remove(signing_name)
        found.insert(0, signing_name)
    return found
