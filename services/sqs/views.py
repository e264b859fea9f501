"""The SQS console: the queue list, the Create queue wizard (Standard or FIFO,
configuration, encryption, access policy, redrive allow policy, dead-letter queue,
tags), a queue's details page with its tabs, Delete and Purge with typed
confirmations, and the "Send and receive messages" page, whose Poll for messages
receives through htmx polls. Every change is one operation call, as from the other
doors; the pages show the CLI equivalent of what they do."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from collections.abc import Iterator
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from services.core.views.access import read, render_denied
from services.core.views.base import Crumb, breadcrumbs, call, console_view, render_console
from services.sqs import console, names

DETAIL_TABS = (
    ("monitoring", "Monitoring"),
    ("policy", "Access policy"),
    ("encryption", "Encryption"),
    ("dlq", "Dead-letter queue"),
    ("redrive-allow", "Redrive allow policy"),
    ("tags", "Tagging"),
    ("redrive", "Dead-letter queue redrive tasks"),
)
POLL_SECONDS = 2


@contextlib.contextmanager
def _urls(request: HttpRequest) -> Iterator[None]:
    """Queue URLs on these pages name the host the browser uses."""
    scheme = "https" if request.is_secure() else "http"
    token = names.set_base(f"{scheme}://{request.get_host()}")
    try:
        yield
    finally:
        names.reset_base(token)


def _list_url(region: str) -> str:
    return reverse(
        "console:resource-list", kwargs={"region": region, "service": "sqs", "slug": "queues"}
    )


def _detail_url(region: str, name: str, **query: str) -> str:
    url = reverse("console:resource-detail", kwargs={"region": region, "service": "sqs",
                                                     "slug": "queues", "resource_id": name})  # fmt: skip  # noqa: E501
    return f"{url}?{urlencode(query)}" if query else url


def _crumbs(request: HttpRequest, region: str, *rest) -> list[Crumb]:
    return breadcrumbs(request, Crumb("Queues", _list_url(region)), *rest)


def _when(epoch: object) -> dt.datetime:
    return dt.datetime.fromtimestamp(float(epoch), dt.UTC)


def _url_of(request: HttpRequest, region: str, name: str) -> str:
    account = request.account.id
    return names.queue_url(account, name)


# --- the queue list ---------------------------------------------------------------------


@console_view(service="sqs")
def queue_list(
    request: HttpRequest, region: str, service: str = "sqs", slug: str = "queues"
) -> HttpResponse:
    with _urls(request):
        result, refused = read(request, region, "sqs", "ListQueues", {})
    queues = (result or {}).get("Queues", [])
    query = request.GET.get("q", "").strip()
    rows = []
    for queue in queues:
        if query and query.lower() not in queue["QueueName"].lower():
            continue
        attrs = queue["Attributes"]
        rows.append({
            **queue, "type": "FIFO" if attrs.get("FifoQueue") == "true" else "Standard",
            "created": _when(attrs["CreatedTimestamp"]),
            "available": attrs["ApproximateNumberOfMessages"],
            "inflight": attrs["ApproximateNumberOfMessagesNotVisible"],
            "encryption": "Amazon SQS key (SSE-SQS)" if attrs.get("SqsManagedSseEnabled") == "true"
            else ("AWS KMS key (SSE-KMS)" if attrs.get("KmsMasterKeyId") else "Disabled"),
            "dedup": {"true": "Enabled", "false": "Disabled"}.get(attrs.get("ContentBasedDeduplication", ""), "–"),  # noqa: E501
            "url": _detail_url(region, queue["QueueName"]),
        })  # fmt: skip
    return render_console(request, "sqs/queues.html", {
        "rows": rows, "count": len(queues), "q": query, "denied": refused,
        "create_url": reverse("console:resource-create", kwargs={"region": region, "service": "sqs", "slug": "queues"}),  # noqa: E501
        "breadcrumbs": breadcrumbs(request, "Queues"),
    })  # fmt: skip


# --- Create queue -----------------------------------------------------------------------


def _form_data(request: HttpRequest) -> dict:
    data = {k: request.POST.get(k, "") for k in request.POST}
    data["tag_keys"] = request.POST.getlist("tag_key")
    data["tag_values"] = request.POST.getlist("tag_value")
    if request.method == "POST" and "sse" not in request.POST:
        data["sse"] = "off"
    return data


def _basic_policy(data: dict, account: str, region: str) -> str:
    """The access policy the Basic method writes: the queue owner, or the accounts
    named, may send and receive."""
    if data.get("policy_method") == "advanced":
        return data.get("policy", "")
    who = data.get("senders") or "owner"
    accounts = [a.strip() for a in (data.get("sender_accounts") or "").split(",") if a.strip()]
    principal = (
        [f"arn:aws:iam::{a}:root" for a in accounts]
        if who == "accounts" and accounts
        else [f"arn:aws:iam::{account}:root"]
    )
    arn = names.queue_arn(region, account, data.get("name") or "")
    return json.dumps({
        "Version": "2012-10-17", "Id": "__default_policy_ID",
        "Statement": [{"Sid": "__owner_statement", "Effect": "Allow",
                       "Principal": {"AWS": principal}, "Action": ["SQS:*"], "Resource": arn}],
    }, indent=2)  # fmt: skip


@console_view(service="sqs")
def create_queue(
    request: HttpRequest, region: str, service: str = "sqs", slug: str = "queues"
) -> HttpResponse:
    data = _form_data(request) if request.method == "POST" else {"type": "standard", "sse": "on"}
    account = request.account.id
    if request.method == "POST":
        data["policy"] = _basic_policy(data, account, region)
        params = console.create_params(data)
        with _urls(request):
            result = call(request, region, "sqs", "CreateQueue", params)
        if result is not None:
            messages.success(request, f"Queue {params['QueueName']} created successfully.")
            return HttpResponseRedirect(_detail_url(region, params["QueueName"]))
    else:
        params = console.create_params(data)
    with _urls(request):
        dlqs, _ = read(request, region, "sqs", "ListQueues", {})
    return render_console(request, "sqs/create.html", {
        "data": data, "cli": console.create_cli(params), "account": account,
        "dlqs": [q for q in (dlqs or {}).get("Queues", [])],
        "list_url": _list_url(region),
        "breadcrumbs": _crumbs(request, region, "Create queue"),
    })  # fmt: skip


# --- a queue's details --------------------------------------------------------------------


def _pretty(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2)
    except (TypeError, ValueError):
        return text or ""


@console_view(service="sqs")
def queue_detail(
    request: HttpRequest, region: str, resource_id: str, service: str = "sqs", slug: str = "queues"
) -> HttpResponse:
    name = resource_id
    with _urls(request):
        url = _url_of(request, region, name)
        result, refused = read(request, region, "sqs", "GetQueueAttributes",
                               {"QueueUrl": url, "AttributeNames": ["All"]})  # fmt: skip
        if refused is not None:
            return render_denied(
                request, refused, title=name, crumbs=(Crumb("Queues", _list_url(region)), name)
            )
        if result is None:
            return HttpResponseRedirect(_list_url(region))
        attrs = result.get("Attributes", {})
        tab = request.GET.get("tab", "monitoring")
        extra: dict = {}
        if tab == "tags":
            tags, _ = read(request, region, "sqs", "ListQueueTags", {"QueueUrl": url})
            extra["tags"] = sorted(((tags or {}).get("Tags") or {}).items())
        if tab in ("dlq", "redrive"):
            sources, _ = read(
                request, region, "sqs", "ListDeadLetterSourceQueues", {"QueueUrl": url}
            )
            extra["sources"] = [u.rsplit("/", 1)[1] for u in (sources or {}).get("queueUrls", [])]
        if tab == "redrive" and extra.get("sources"):
            tasks, _ = read(request, region, "sqs", "ListMessageMoveTasks",
                            {"SourceArn": attrs["QueueArn"], "MaxResults": 10})  # fmt: skip
            extra["tasks"] = (tasks or {}).get("Results", [])
    redrive = json.loads(attrs["RedrivePolicy"]) if attrs.get("RedrivePolicy") else None
    return render_console(request, "sqs/detail.html", {
        "name": name, "url": url, "attrs": attrs, "fifo": attrs.get("FifoQueue") == "true",
        "created": _when(attrs.get("CreatedTimestamp", 0)),
        "modified": _when(attrs.get("LastModifiedTimestamp", 0)),
        "policy": _pretty(attrs.get("Policy", "")), "redrive": redrive,
        "redrive_allow": _pretty(attrs.get("RedriveAllowPolicy", "")),
        "tab": tab, "tabs": DETAIL_TABS, "base": _detail_url(region, name),
        "send_url": reverse("sqs:send-receive", kwargs={"region": region, "name": name}),
        "delete_url": reverse("sqs:delete-queue", kwargs={"region": region, "name": name}),
        "purge_url": reverse("sqs:purge-queue", kwargs={"region": region, "name": name}),
        "edit_url": reverse("sqs:edit-queue", kwargs={"region": region, "name": name}),
        "redrive_url": reverse("sqs:start-redrive", kwargs={"region": region, "name": name}),
        "cli": f"aws sqs get-queue-attributes --queue-url {url} --attribute-names All",
        "breadcrumbs": _crumbs(request, region, name), **extra,
    })  # fmt: skip


@console_view(service="sqs")
@require_POST
def delete_queue(request: HttpRequest, region: str, name: str) -> HttpResponse:
    if request.POST.get("confirm") != "delete":
        messages.error(request, "To confirm deletion, enter delete.")
        return HttpResponseRedirect(_detail_url(region, name))
    with _urls(request):
        done = call(
            request, region, "sqs", "DeleteQueue", {"QueueUrl": _url_of(request, region, name)}
        )
    if done is None:
        return HttpResponseRedirect(_detail_url(region, name))
    messages.success(request, f"Successfully deleted queue {name}.")
    return HttpResponseRedirect(_list_url(region))


@console_view(service="sqs")
@require_POST
def purge_queue(request: HttpRequest, region: str, name: str) -> HttpResponse:
    if request.POST.get("confirm") != "purge":
        messages.error(request, "To confirm, enter purge.")
        return HttpResponseRedirect(_detail_url(region, name))
    with _urls(request):
        done = call(
            request, region, "sqs", "PurgeQueue", {"QueueUrl": _url_of(request, region, name)}
        )
    if done is not None:
        messages.success(request, f"Successfully purged queue {name}.")
    return HttpResponseRedirect(_detail_url(region, name))


_EDITABLE = ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds",
             "MaximumMessageSize", "ReceiveMessageWaitTimeSeconds")  # fmt: skip


@console_view(service="sqs")
@require_POST
def edit_queue(request: HttpRequest, region: str, name: str) -> HttpResponse:
    """One section of the queue's settings: configuration, access policy, dead-letter
    queue, redrive allow policy, or its tags."""
    section = request.POST.get("section", "")
    with _urls(request):
        url = _url_of(request, region, name)
        done = None
        if section == "tags":
            key = request.POST.get("tag_key", "").strip()
            if request.POST.get("remove"):
                done = call(
                    request,
                    region,
                    "sqs",
                    "UntagQueue",
                    {"QueueUrl": url, "TagKeys": [request.POST["remove"]]},
                )
            elif key:
                done = call(
                    request,
                    region,
                    "sqs",
                    "TagQueue",
                    {"QueueUrl": url, "Tags": {key: request.POST.get("tag_value", "")}},
                )
        else:
            attributes: dict[str, str] = {}
            if section == "config":
                attributes = {k: request.POST[k] for k in _EDITABLE if request.POST.get(k)}
            elif section == "policy":
                attributes = {"Policy": request.POST.get("Policy", "")}
            elif section == "dlq":
                arn = request.POST.get("dlq_arn", "")
                attributes = {
                    "RedrivePolicy": json.dumps(
                        {
                            "deadLetterTargetArn": arn,
                            "maxReceiveCount": int(request.POST.get("max_receive_count") or 10),
                        }
                    )
                    if arn
                    else ""
                }
            elif section == "redrive-allow":
                attributes = {"RedriveAllowPolicy": request.POST.get("RedriveAllowPolicy", "")}
            if attributes:
                done = call(
                    request,
                    region,
                    "sqs",
                    "SetQueueAttributes",
                    {"QueueUrl": url, "Attributes": attributes},
                )
    if done is not None:
        messages.success(request, f"Queue {name} updated successfully.")
    tab = {"config": "monitoring"}.get(section, section)
    return HttpResponseRedirect(_detail_url(region, name, tab=tab))


@console_view(service="sqs")
@require_POST
def start_redrive(request: HttpRequest, region: str, name: str) -> HttpResponse:
    arn = names.queue_arn(region, request.account.id, name)
    done = call(request, region, "sqs", "StartMessageMoveTask", {"SourceArn": arn})
    if done is not None:
        messages.success(request, "Dead-letter queue redrive started.")
    return HttpResponseRedirect(_detail_url(region, name, tab="redrive"))


# --- Send and receive messages -------------------------------------------------------------


def _send_params(request: HttpRequest, url: str, fifo: bool) -> dict:
    params: dict = {"QueueUrl": url, "MessageBody": request.POST.get("body", "")}
    if fifo:
        params["MessageGroupId"] = request.POST.get("group_id", "")
        if request.POST.get("dedup_id"):
            params["MessageDeduplicationId"] = request.POST["dedup_id"]
    elif request.POST.get("delay"):
        params["DelaySeconds"] = (
            int(request.POST["delay"]) if request.POST["delay"].isdigit() else request.POST["delay"]
        )
    attrs = {}
    for key, kind, value in zip(request.POST.getlist("attr_name"), request.POST.getlist("attr_type"),  # noqa: E501
                                request.POST.getlist("attr_value"), strict=False):  # fmt: skip
        if key.strip():
            attrs[key.strip()] = {"DataType": kind or "String", "StringValue": value}
    if attrs:
        params["MessageAttributes"] = attrs
    return params


@console_view(service="sqs")
def send_receive(request: HttpRequest, region: str, name: str) -> HttpResponse:
    with _urls(request):
        url = _url_of(request, region, name)
        result, refused = read(request, region, "sqs", "GetQueueAttributes",
                               {"QueueUrl": url, "AttributeNames": ["All"]})  # fmt: skip
        if refused is not None:
            return render_denied(
                request, refused, title=name, crumbs=(Crumb("Queues", _list_url(region)), name)
            )
        if result is None:
            return HttpResponseRedirect(_list_url(region))
        attrs = result.get("Attributes", {})
        fifo = attrs.get("FifoQueue") == "true"
        sent_params: dict = {"MessageBody": ""}
        if request.method == "POST":
            sent_params = _send_params(request, url, fifo)
            if call(request, region, "sqs", "SendMessage", sent_params) is not None:
                messages.success(request, "Your message has been sent and is ready to be received.")
                return HttpResponseRedirect(
                    reverse("sqs:send-receive", kwargs={"region": region, "name": name})
                )
    return render_console(request, "sqs/send_receive.html", {
        "name": name, "url": url, "fifo": fifo, "attrs": attrs, "posted": request.POST,
        "send_cli": console.send_cli(url, sent_params),
        "receive_cli": console.receive_cli(url, 10, 20),
        "poll_url": reverse("sqs:poll", kwargs={"region": region, "name": name}),
        "delete_url": reverse("sqs:delete-messages", kwargs={"region": region, "name": name}),
        "detail_url": _detail_url(region, name),
        "breadcrumbs": _crumbs(request, region, Crumb(name, _detail_url(region, name)), "Send and receive messages"),  # noqa: E501
    })  # fmt: skip


@console_view(service="sqs")
@require_POST
def poll(request: HttpRequest, region: str, name: str) -> HttpResponse:
    """One poll of Poll for messages: the messages received now, appended to the
    table; status 286 (htmx: stop polling) when the duration or count is reached."""
    try:
        started = float(request.POST.get("started") or time.time())
        duration = max(1, min(int(request.POST.get("duration") or 20), 60))
        wanted = max(1, min(int(request.POST.get("count") or 10), 100))
        shown = int(request.POST.get("shown") or 0)
    except ValueError:
        return HttpResponse(status=400)
    received = []
    if shown < wanted:
        with _urls(request):
            result = call(request, region, "sqs", "ReceiveMessage", {
                "QueueUrl": _url_of(request, region, name), "WaitTimeSeconds": 0,
                "MaxNumberOfMessages": min(10, wanted - shown),
                "MessageSystemAttributeNames": ["All"], "MessageAttributeNames": ["All"]})  # fmt: skip  # noqa: E501
        received = (result or {}).get("Messages", [])
    for message in received:
        message["sent"] = _when(int(message.get("Attributes", {}).get("SentTimestamp", 0)) / 1000)
        message["size"] = len(message["Body"].encode())
    shown += len(received)
    done = shown >= wanted or time.time() - started >= duration
    response = render_console(request, "sqs/poll_rows.html", {
        "messages_received": received, "shown": shown, "done": done, "started": started})  # fmt: skip  # noqa: E501
    if done:
        response.status_code = 286
    return response


@console_view(service="sqs")
@require_POST
def delete_messages(request: HttpRequest, region: str, name: str) -> HttpResponse:
    handles = request.POST.getlist("receipt")
    deleted = 0
    with _urls(request):
        url = _url_of(request, region, name)
        for start in range(0, len(handles), 10):
            entries = [
                {"Id": f"m{i}", "ReceiptHandle": h}
                for i, h in enumerate(handles[start : start + 10])
            ]
            result = call(
                request, region, "sqs", "DeleteMessageBatch", {"QueueUrl": url, "Entries": entries}
            )
            deleted += len((result or {}).get("Successful", []))
    if deleted:
        messages.success(request, f"{deleted} message{'s' if deleted != 1 else ''} deleted.")
    return HttpResponseRedirect(
        reverse("sqs:send-receive", kwargs={"region": region, "name": name})
    )
