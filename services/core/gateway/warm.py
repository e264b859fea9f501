"""Load what the AWS door reads on first use (botocore's models of the simulated
services, the service catalog, the writers of their answers) once, before requests
arrive: in gunicorn's master with --preload, so every forked worker shares it and no
student's first call pays for it."""

from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)

# Answers large enough that their writers are worth making up front.
_HOT = {"ec2": ("DescribeInstances", "DescribeImages", "RunInstances", "DescribeVpcs",
                "DescribeSubnets", "DescribeSecurityGroups", "DescribeVolumes")}  # fmt: skip


def warm() -> float:
    """Load the models and catalogs; returns the seconds it took. Never raises: a
    failure here only means the first request loads them itself."""
    start = time.monotonic()
    try:
        from services.core import operations, shapes
        from services.core.gateway import catalog
        from services.core.gateway.protocols import xmlshape

        catalog.signing_index()
        for service in sorted({op.service for op in operations.registered()}):
            model = shapes.service_model(service)
            for action in _HOT.get(service, ()):
                output = model.operation_model(action).output_shape
                if output is not None:
                    xmlshape.member_plan(output)
    except Exception:  # warming is an optimisation, never a failure
        log.warning("warming the AWS door failed; the first requests will load it", exc_info=True)
    return time.monotonic() - start
