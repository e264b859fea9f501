"""SNS's own host name, `sns.<region>.localhost` (as SNS answers on
sns.<region>.amazonaws.com): the signing certificate at the SigningCertURL, and the
unsigned links SNS puts in its messages, the SubscribeURL (ConfirmSubscription with the
token) and the UnsubscribeURL. Signed API calls to that host still go to the AWS door;
console pages are never served there (a tenant host: services/core/tenant_content.py).
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from django.http import HttpRequest, HttpResponse

from services.core import ids, operations, tenant_content
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.models import Account
from services.core.regions import is_region
from services.sns import errors, signing
from services.sns.models import Subscription, Topic

_HOST = re.compile(r"^sns\.([a-z0-9-]+)\.[a-z0-9.-]+$")
_NS = "http://sns.amazonaws.com/doc/2010-03-31/"


def region_of(host: str) -> str:
    name = host.split(":", 1)[0].lower().rstrip(".")
    m = _HOST.match(name)
    return m.group(1) if m and is_region(m.group(1)) else ""


def claims(request: HttpRequest) -> bool:
    from services.core.gateway.middleware import is_aws_request

    return bool(region_of(request.META.get("HTTP_HOST", ""))) and not is_aws_request(request)


def _xml(body: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type="text/xml")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _error(error: AwsError, request_id: str) -> HttpResponse:
    return _xml(
        f'<ErrorResponse xmlns="{_NS}"><Error><Type>Sender</Type>'
        f"<Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message>"
        f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>",
        error.status,
    )


def _answer(action: str, result: str, request_id: str) -> HttpResponse:
    inner = f"<{action}Result>{result}</{action}Result>" if result else ""
    return _xml(
        f'<{action}Response xmlns="{_NS}">{inner}<ResponseMetadata><RequestId>'
        f"{request_id}</RequestId></ResponseMetadata></{action}Response>"
    )


def _system(account_id: str, region: str, agent: str) -> CallContext | None:
    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        return None
    ctx = CallContext.system(account, region)
    ctx.user_agent = agent
    return ctx


def handle(request: HttpRequest) -> HttpResponse:
    request_id = ids.request_id()
    region = region_of(request.META.get("HTTP_HOST", ""))
    if request.method == "GET" and request.path == "/" + signing.certificate_name():
        response = HttpResponse(
            signing.certificate_pem(), content_type="application/x-x509-ca-cert"
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
    params = request.GET if request.method == "GET" else request.POST
    action = params.get("Action", "")
    not_found = errors.NotFound("Resource not found")
    try:
        if request.path != "/" or action not in ("ConfirmSubscription", "Unsubscribe"):
            raise not_found
        if action == "ConfirmSubscription":
            arn = params.get("TopicArn", "")
            topic = Topic.objects.filter(resource_id=arn, region=region).first()
            ctx = _system(topic.account_id, region, "subscribe-url") if topic else None
            if ctx is None:
                raise Topic.not_found(arn)
            out = operations.call(
                ctx,
                "sns",
                "ConfirmSubscription",
                {"TopicArn": arn, "Token": params.get("Token", "")},
            )
            arn_xml = escape(out["SubscriptionArn"])
            return _answer(action, f"<SubscriptionArn>{arn_xml}</SubscriptionArn>", request_id)
        arn = params.get("SubscriptionArn", "")
        sub = Subscription.objects.filter(resource_id=arn, region=region).first()
        ctx = _system(sub.account_id, region, "unsubscribe-url") if sub else None
        if ctx is None:
            raise Subscription.not_found(arn)
        operations.call(ctx, "sns", "Unsubscribe", {"SubscriptionArn": arn})
        return _answer(action, "", request_id)
    except AwsError as error:
        return _error(error, request_id)


def install() -> None:
    from services.core.gateway.middleware import register_door

    register_door(claims, handle)
    tenant_content.register_tenant_hosts(lambda host: bool(region_of(host)))
