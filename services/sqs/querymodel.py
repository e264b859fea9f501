"""SQS's query protocol (the SDKs before the JSON protocol: `Action=SendMessage&
MessageAttribute.1.Name=...`, XML answers) from botocore's JSON model.

botocore's current model of SQS is JSON only and has lost the query names
(`Attribute.N.Name`, `AttributeName.N`, `SendMessageBatchRequestEntry.N.Id`). They are
put back here, as SQS's query API spells them, with the result wrappers, so the core's
query reader and writer serve it (services/sqs/door.py)."""

from __future__ import annotations

import copy
import functools

from botocore.loaders import Loader
from botocore.model import ServiceModel

NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/"

# member name (in any structure) -> its query name
_MEMBERS = {
    "Attributes": "Attribute",
    "MessageAttributes": "MessageAttribute",
    "MessageSystemAttributes": "MessageSystemAttribute",
    "tags": "Tag",
    "Tags": "Tag",
    "StringListValues": "StringListValue",
    "BinaryListValues": "BinaryListValue",
}
# list shape -> the name of its members
_LISTS = {
    "AttributeNameList": "AttributeName",
    "MessageAttributeNameList": "MessageAttributeName",
    "MessageSystemAttributeList": "AttributeName",
    "TagKeyList": "TagKey",
    "AWSAccountIdList": "AWSAccountId",
    "ActionNameList": "ActionName",
    "QueueUrlList": "QueueUrl",
    "MessageList": "Message",
    "StringList": "StringListValue",
    "BinaryList": "BinaryListValue",
    "ListMessageMoveTasksResultEntryList": "ListMessageMoveTasksResultEntry",
    "BatchResultErrorEntryList": "BatchResultErrorEntry",
}


@functools.cache
def model() -> ServiceModel:
    spec = copy.deepcopy(Loader().load_service_model("sqs", "service-2"))
    spec["metadata"] = {**spec["metadata"], "protocol": "query", "protocols": ["query"],
                        "xmlNamespace": NAMESPACE}  # fmt: skip
    spec["metadata"].pop("awsQueryCompatible", None)
    shapes = spec["shapes"]
    for name, shape in shapes.items():
        kind = shape.get("type")
        if kind == "list":
            member = shapes.get(shape["member"]["shape"], {})
            inner = _LISTS.get(name) or (
                shape["member"]["shape"] if member.get("type") == "structure" else None
            )
            if inner:
                shape["member"]["locationName"] = inner
            shape["flattened"] = True
        elif kind == "map":
            tags = name == "TagMap"
            shape["key"]["locationName"] = "Key" if tags else "Name"
            shape["value"]["locationName"] = "Value" if tags else "Value"
            shape["flattened"] = True
        elif kind == "structure":
            for member_name, ref in shape.get("members", {}).items():
                if member_name in _MEMBERS:
                    ref["locationName"] = _MEMBERS[member_name]
                target = shapes.get(ref["shape"], {})
                if target.get("type") == "list" and member_name not in _MEMBERS:
                    inner = _LISTS.get(ref["shape"]) or (
                        target["member"]["shape"]
                        if shapes.get(target["member"]["shape"], {}).get("type") == "structure"
                        else None
                    )
                    if inner:
                        ref["locationName"] = inner
    for name, op in spec["operations"].items():
        if "output" in op:
            op["output"]["resultWrapper"] = f"{name}Result"
    return ServiceModel(spec, "sqs")
