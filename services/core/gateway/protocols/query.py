"""The query protocol (IAM, STS, ELB, ...) and its EC2 dialect.

Requests are form-encoded key/value pairs whose keys spell a path into the input shape:
`Filter.1.Value.2`, `Tags.member.1.Key`, `Attributes.entry.1.value`. Responses are XML:
`<ActionResponse><ActionResult>...</ActionResult><ResponseMetadata>` for query,
`<ActionResponse><requestId/>...` for EC2.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from botocore.model import OperationModel, ServiceModel, Shape

from services.core import errors
from services.core.errors import AwsError
from services.core.gateway.protocols import values, xmlshape
from services.core.gateway.protocols.base import Protocol, error_details
from services.core.gateway.wire import WireRequest, WireResponse

_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
_LEAF = None  # the key under which a tree node keeps its own value

# Parameters of the protocol itself (and of SigV2/SigV4 query signing), not of the action.
_PROTOCOL_KEYS = {"Action", "Version", "AWSAccessKeyId", "Signature", "SignatureMethod",
                  "SignatureVersion", "Timestamp", "Expires", "SecurityToken"}  # fmt: skip


def _tree(pairs: list[tuple[str, str]]) -> dict:
    """`Filter.1.Name=x` becomes {"Filter": {"1": {"Name": {None: "x"}}}}."""
    root: dict = {}
    for key, value in pairs:
        if key in _PROTOCOL_KEYS or key.startswith("X-Amz-"):
            continue
        node = root
        for part in key.split("."):
            node = node.setdefault(part, {})
        node[_LEAF] = value
    return root


def _indexed(node: dict) -> list[dict]:
    """The children `1`, `2`, ... of a node, in numeric order."""
    items = [(int(k), v) for k, v in node.items() if isinstance(k, str) and k.isdigit()]
    return [v for _, v in sorted(items, key=lambda kv: kv[0])]


def write_error_members(model: ServiceModel, error: AwsError, node: ET.Element) -> None:
    """<Code>, <Message> (left out when empty, as AWS does) and the error's modeled
    members, inside an XML <Error> element."""
    ET.SubElement(node, "Code").text = error.code
    if error.message:
        ET.SubElement(node, "Message").text = error.message
    shape, fields = error_details(model, error)
    if shape is not None and fields:
        written = {"Code", "Message", "Type"}
        extra = {
            k: v
            for k, v in fields.items()
            # Extra fields the model does not declare (S3's <Key>) are written by the caller.
            if k in shape.members and xmlshape.member_name(shape.members[k], k) not in written
        }
        xmlshape.write_members(node, shape, {k: v for k, v in extra.items() if k in shape.members},
                               skip=frozenset({"header", "headers", "statusCode"}))  # fmt: skip


class QueryProtocol(Protocol):
    name = "query"

    # --- requests ----------------------------------------------------------------------

    def accepts(self, model: ServiceModel, req: WireRequest) -> bool:
        # An X-Amz-Target header does not make a form request JSON: query services
        # ignore it (and a service speaking both is told apart by which names an action).
        content_type = (req.headers.get("content-type") or "").lower()
        if req.method == "POST" and content_type.startswith("application/x-www-form-urlencoded"):
            return True
        return req.param("Action") is not None

    def operation_name(self, model: ServiceModel, req: WireRequest) -> str | None:
        return req.param("Action")

    def pairs(self, req: WireRequest) -> list[tuple[str, str]]:
        return list(req.query) + list(req.form)

    def parse_request(self, op: OperationModel, req: WireRequest) -> dict:
        shape = op.input_shape
        if shape is None:
            return {}
        tree = _tree(self.pairs(req))
        self.check_unknown(shape, tree)
        return self.read_structure(shape, tree)

    def check_unknown(self, shape: Shape, tree: dict) -> None:
        """Query services ignore parameters they do not know."""

    def serialized_name(self, shape: Shape, default: str) -> str:
        return shape.serialization.get("name", default)

    def member_keys(self, member: Shape, name: str) -> list[str]:
        """The keys a member may arrive under, botocore's choice first. A flattened list
        whose member has a name of its own is sent under that name by botocore, under
        the member's own name by Smithy-generated SDKs."""
        keys = [self.serialized_name(member, name)]
        if member.type_name == "list" and member.serialization.get("flattened"):
            inner = member.member.serialization.get("name")
            if inner:
                keys.insert(0, inner)
        if name not in keys:
            keys.append(name)
        return keys

    def read_structure(self, shape: Shape, node: dict) -> dict:
        result = {}
        for name, member in shape.members.items():
            child = next((node[k] for k in self.member_keys(member, name) if k in node), None)
            if child is None:
                continue
            value = self.read(member, child)
            if value is not None:
                result[name] = value
        return result

    def read(self, shape: Shape, node: dict) -> object:
        kind = shape.type_name
        if kind == "structure":
            return self.read_structure(shape, node)
        if kind == "list":
            return self.read_list(shape, node)
        if kind == "map":
            return self.read_map(shape, node)
        text = node.get(_LEAF)
        if text is None:
            return None
        if kind == "string":
            return text
        return values.parse_scalar(shape, text)

    def read_list(self, shape: Shape, node: dict) -> list:
        if node.get(_LEAF) == "" and len(node) == 1:
            return []  # `Names=` is how the query protocol sends an empty list
        if not shape.serialization.get("flattened"):
            node = node.get(shape.member.serialization.get("name", "member"), {})
        return [self.read(shape.member, item) for item in _indexed(node)]

    def read_map(self, shape: Shape, node: dict) -> dict:
        if not shape.serialization.get("flattened"):
            node = node.get("entry", {})
        key_name = self.serialized_name(shape.key, "key")
        value_name = self.serialized_name(shape.value, "value")
        result = {}
        for entry in _indexed(node):
            key = entry.get(key_name, {}).get(_LEAF)
            if key is None:
                continue
            value_node = entry.get(value_name)
            result[key] = self.read(shape.value, value_node) if value_node is not None else None
        return result

    # --- responses ---------------------------------------------------------------------

    def namespace(self, model: ServiceModel) -> str:
        meta = model.metadata
        prefix, version = meta.get("endpointPrefix", "aws"), meta.get("apiVersion", "")
        return meta.get("xmlNamespace") or f"https://{prefix}.amazonaws.com/doc/{version}/"

    def serialize_result(self, op: OperationModel, result: dict, request_id: str) -> WireResponse:
        # Written straight to text by the shapes' writers (xmlshape.emitter): the same
        # document ElementTree would make, without an element object per value.
        root = f"{op.name}Response"
        out = [_XML_DECLARATION, ""]
        attributes = f' xmlns="{xmlshape.escape_attribute(self.namespace(op.service_model))}"'
        shape = op.output_shape
        if shape is not None:
            wrapper = shape.serialization.get("resultWrapper")
            holder = len(out)
            if wrapper:
                out.append("")
            found = xmlshape.emit_members(out, xmlshape.member_plan(shape), result or {})
            if wrapper:
                xmlshape.close_element(out, holder, wrapper, found)
            else:
                attributes += found
        out.append(f"<ResponseMetadata><RequestId>{xmlshape.escape_text(request_id)}"
                   "</RequestId></ResponseMetadata>")  # fmt: skip
        xmlshape.close_element(out, 1, root, attributes)
        return WireResponse(200, "".join(out).encode("utf-8"), content_type="text/xml")

    def serialize_error(
        self,
        model: ServiceModel,
        error: AwsError,
        request_id: str,
        op: OperationModel | None = None,
    ) -> WireResponse:
        root = ET.Element("ErrorResponse", {"xmlns": self.namespace(model)})
        node = ET.SubElement(root, "Error")
        ET.SubElement(node, "Type").text = "Receiver" if error.status >= 500 else "Sender"
        write_error_members(model, error, node)
        ET.SubElement(root, "RequestId").text = request_id
        return WireResponse(error.status, xmlshape.to_bytes(root), content_type="text/xml")


class Ec2Protocol(QueryProtocol):
    """EC2's dialect: input names come from `queryName` or the capitalised
    `locationName`, lists are always `Name.N`, and the XML differs."""

    name = "ec2"

    def serialized_name(self, shape: Shape, default: str) -> str:
        if "queryName" in shape.serialization:
            return shape.serialization["queryName"]
        name = shape.serialization.get("name")
        if name:
            return name[:1].upper() + name[1:]
        return default

    def member_keys(self, member: Shape, name: str) -> list[str]:
        # botocore sends an unnamed member under its own name, Smithy SDKs capitalised.
        keys = [self.serialized_name(member, name)]
        capitalised = name[:1].upper() + name[1:]
        if keys[0] == name and capitalised != name:
            keys.append(capitalised)
        return keys

    def read_list(self, shape: Shape, node: dict) -> list:
        return [self.read(shape.member, item) for item in _indexed(node)]

    def check_unknown(self, shape: Shape, tree: dict) -> None:
        known = {k for n, m in shape.members.items() for k in self.member_keys(m, n)}
        for key in tree:
            if key not in known:
                raise errors.UnknownParameter(f"The parameter {key} is not recognized")

    def namespace(self, model: ServiceModel) -> str:
        return f"http://ec2.amazonaws.com/doc/{model.metadata.get('apiVersion', '')}/"

    def serialize_result(self, op: OperationModel, result: dict, request_id: str) -> WireResponse:
        root = f"{op.name}Response"
        out = [_XML_DECLARATION, "", f"<requestId>{xmlshape.escape_text(request_id)}</requestId>"]
        attributes = f' xmlns="{xmlshape.escape_attribute(self.namespace(op.service_model))}"'
        shape = op.output_shape
        if shape is None or not shape.members:
            # EC2 answers actions without output with <return>true</return>.
            out.append("<return>true</return>")
        else:
            result = result or {}
            returns = shape.members.get("Return")
            if returns is not None and returns.type_name == "boolean" and "Return" not in result:
                # EC2 answers <return>true</return> for every action that succeeded.
                result = {**result, "Return": True}
            attributes += xmlshape.emit_members(out, xmlshape.member_plan(shape), result)
        xmlshape.close_element(out, 1, root, attributes)
        return WireResponse(
            200, "".join(out).encode("utf-8"), content_type="text/xml;charset=UTF-8"
        )

    def serialize_error(
        self,
        model: ServiceModel,
        error: AwsError,
        request_id: str,
        op: OperationModel | None = None,
    ) -> WireResponse:
        root = ET.Element("Response")
        node = ET.SubElement(ET.SubElement(root, "Errors"), "Error")
        write_error_members(model, error, node)
        ET.SubElement(root, "RequestID").text = request_id
        return WireResponse(
            error.status, xmlshape.to_bytes(root), content_type="text/xml;charset=UTF-8"
        )
