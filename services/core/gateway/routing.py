"""From a signed request to (service, protocol, operation).

The credential scope's service comes first: operation names repeat across services
(`DescribeTags` is EC2's, ELB's and AutoScaling's), so the signing name narrows the
candidates before anything else is looked at. Among services sharing a signing name,
the request's own marks decide: `X-Amz-Target` (json), `Action` and `Version`
(query, ec2), or the method and path (rest). Every protocol a service's model lists is
accepted (CloudWatch is json for boto3 and query for older clients).
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.model import OperationModel, ServiceModel

from services.core import operations, shapes
from services.core.gateway import catalog, protocols
from services.core.gateway.protocols import Protocol
from services.core.gateway.wire import WireRequest


@dataclass
class Route:
    service: str  # botocore's service name
    model: ServiceModel
    protocol: Protocol
    action: str | None  # an operation of the model, or None when the request names none
    requested: str | None  # what the request asked for, as written

    @property
    def operation(self) -> OperationModel | None:
        return self.model.operation_model(self.action) if self.action else None


def model_protocols(model: ServiceModel) -> list[str]:
    return list(model.metadata.get("protocols") or [model.metadata.get("protocol", "")])


def _host_names(model: ServiceModel, host: str) -> bool:
    """Whether the Host header names the service (`iam.amazonaws.com`,
    `logs.us-east-1.amazonaws.com`); clients pointed at Stratolab's own address do not."""
    prefix = model.metadata.get("endpointPrefix")
    return bool(prefix) and host.split(":", 1)[0].lower().startswith(f"{prefix}.")


def route(req: WireRequest, signing_name: str) -> Route | None:
    """The best reading of `req` among the services signed as `signing_name`; None if
    no service answers to that name.

    A request that names no operation of any of them is still answered by one, in its
    protocol's error format: the one whose marks it carries (X-Amz-Target with the
    service's prefix, the rpc-v2-cbor path, a query form), else the one its Host names,
    else the service named like the signing name (IAM, not iam-toolbox, for a JSON body
    sent to IAM). REST protocols take any request, so their acceptance counts least.
    """
    best: tuple[tuple, Route] | None = None
    host = req.host
    for index, name in enumerate(catalog.services_for(signing_name)):
        model = shapes.service_model(name)
        named_by_host = _host_names(model, host)
        for position, protocol_name in enumerate(model_protocols(model)):
            protocol = protocols.get(protocol_name)
            if protocol is None:
                continue
            accepted = protocol.accepts(model, req)
            requested = protocol.operation_name(model, req) if accepted else None
            exists = requested in model.operation_names if requested else False
            version = (
                req.param("Version") if accepted and protocol_name in ("query", "ec2") else None
            )
            marked = accepted and protocol_name not in ("rest-json", "rest-xml")
            score = (
                exists,
                version == model.api_version if version else False,
                exists and operations.get(name, requested) is not None,
                marked,
                named_by_host,
                index == 0,
                accepted,
                -index,
                -position,
            )
            candidate = Route(name, model, protocol, requested if exists else None, requested)
            if best is None or score > best[0]:
                best = (score, candidate)
    return best[1] if best is not None else None
