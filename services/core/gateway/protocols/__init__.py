"""One reader and writer per AWS wire protocol, all driven by botocore's service models."""

from __future__ import annotations

from services.core.gateway.protocols.base import Protocol
from services.core.gateway.protocols.cbor import RpcV2CborProtocol
from services.core.gateway.protocols.json import JsonProtocol
from services.core.gateway.protocols.query import Ec2Protocol, QueryProtocol
from services.core.gateway.protocols.rest import RestJsonProtocol, RestXmlProtocol

PROTOCOLS: dict[str, Protocol] = {
    p.name: p
    for p in (
        QueryProtocol(),
        Ec2Protocol(),
        JsonProtocol(),
        RestJsonProtocol(),
        RestXmlProtocol(),
        RpcV2CborProtocol(),
    )
}


def get(name: str) -> Protocol | None:
    return PROTOCOLS.get(name)


__all__ = ["PROTOCOLS", "Protocol", "get"]
