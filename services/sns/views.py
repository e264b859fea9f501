"""SNS's console pages: Create topic, the topic page (Subscriptions, Access policy and
Tags tabs), Create subscription, Publish message, the Outbox. Every change is one
operation through `base.call`; every page shows the AWS CLI command it stands for."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from services.core.views.access import denied, detail_denied, list_denied, render_denied
from services.core.views.base import (
    breadcrumbs,
    call,
    console_ctx,
    console_view,
    render_console,
    render_not_found,
)
from services.core.views.resources import action_links
from services.core.views.tables import resource_url
from services.sns import attributes, forms
from services.sns.models import OutboxMessage, Subscription, Topic

TOPIC_TABS = (("subscriptions", "Subscriptions"), ("policy", "Access policy"), ("tags", "Tags"))


def _types():
    from services.sns.resources import SUBSCRIPTIONS, TOPICS

    return TOPICS, SUBSCRIPTIONS


def _topic_url(region: str, arn: str) -> str:
    return resource_url("resource-detail", region, _types()[0], resource_id=arn)


@console_view(service="sns")
def dashboard(request: HttpRequest, region: str) -> HttpResponse:
    ctx = console_ctx(request, region)
    context = {
        "topics": Topic.objects.visible_to(ctx).count(),
        "subscriptions": Subscription.objects.visible_to(ctx).count(),
        "create_url": resource_url("resource-create", region, _types()[0]),
        "topics_url": resource_url("resource-list", region, _types()[0]),
        "breadcrumbs": breadcrumbs(request, "Dashboard"),
    }
    return render_console(request, "sns/dashboard.html", context)


@console_view(service="sns")
@require_http_methods(["GET", "POST"])
def create_topic(request: HttpRequest, region: str) -> HttpResponse:
    topics = _types()[0]
    form = forms.TopicForm(request.POST or None, initial={"name": request.GET.get("name", "")})
    params = {"Name": "MyTopic"}
    if request.method == "POST" and form.is_valid():
        params = forms.topic_params(form.cleaned_data)
        result = call(request, region, "sns", "CreateTopic", params)
        if result is not None:
            messages.success(request, f"Topic {params['Name']} created successfully.")
            return HttpResponseRedirect(_topic_url(region, result["TopicArn"]))
    context = {
        "rt": topics,
        "form": form,
        "sections": [(t, [form[n] for n in names]) for t, names in form.sections],
        "list_url": resource_url("resource-list", region, topics),
        "cli": forms.cli("create-topic", params, region),
        "breadcrumbs": breadcrumbs(
            request,
            (topics.label_plural, resource_url("resource-list", region, topics)),
            "Create topic",
        ),  # fmt: skip
    }
    return render_console(request, "sns/create.html", context)


def _own_topic(request: HttpRequest, region: str, arn: str) -> Topic | None:
    return Topic.objects.visible_to(console_ctx(request, region)).filter(resource_id=arn).first()


@console_view(service="sns")
def topic_detail(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    topics, subs_type = _types()
    crumb = (topics.label_plural, resource_url("resource-list", region, topics))
    refused = detail_denied(request, region, topics, resource_id)
    if refused:
        return render_denied(request, refused, title=resource_id, crumbs=(crumb,))
    topic = _own_topic(request, region, resource_id)
    if topic is None:
        return render_not_found(
            request, "Topic not found",
            f"The topic {resource_id} doesn't exist in {region}. It may have been deleted.",
        )  # fmt: skip
    tab = request.GET.get("tab", "subscriptions")
    tab = tab if tab in dict(TOPIC_TABS) else "subscriptions"
    attrs = attributes.topic_attributes(topic)
    subs = list(topic.subscriptions.select_related("topic").order_by("created_at", "pk"))
    context = {
        "rt": topics,
        "obj": topic,
        "tab": tab,
        "tabs": TOPIC_TABS,
        "attrs": attrs,
        "policy": json.dumps(json.loads(attrs["Policy"]), indent=2),
        "subscriptions": subs,
        "subs_denied": list_denied(request, region, subs_type),
        "sub_rt": subs_type,
        "actions": action_links(region, topics, topic),
        "publish_url": reverse("sns:publish", kwargs={"region": region, "resource_id": topic.arn}),
        "subscribe_url": resource_url("resource-create", region, subs_type) + f"?topic={topic.arn}",
        "sub_delete_url": resource_url(
            "resource-action", region, subs_type, operation="Unsubscribe"
        ),
        "cli": f"aws sns get-topic-attributes --topic-arn {topic.arn} --region {region}",
        "breadcrumbs": breadcrumbs(request, crumb, topic.topic_name),
    }
    return render_console(request, "sns/topic_detail.html", context)


@console_view(service="sns")
@require_http_methods(["GET", "POST"])
def create_subscription(request: HttpRequest, region: str) -> HttpResponse:
    topics_type, subs_type = _types()
    ctx = console_ctx(request, region)
    arns = list(
        Topic.objects.visible_to(ctx).order_by("topic_name").values_list("resource_id", flat=True)
    )
    form = forms.SubscriptionForm(
        request.POST or None, topics=arns, initial={"topic_arn": request.GET.get("topic", "")}
    )
    params: dict = {"TopicArn": request.GET.get("topic") or "<topic-arn>", "Protocol": "sqs",
                    "NotificationEndpoint": "<endpoint>"}  # fmt: skip
    if request.method == "POST" and form.is_valid():
        params = forms.subscription_params(form.cleaned_data)
        result = call(request, region, "sns", "Subscribe", params)
        if result is not None:
            arn = result["SubscriptionArn"]
            messages.success(
                request,
                f"Subscription to {params['TopicArn']} created successfully. Its ARN is {arn}.",
            )
            return HttpResponseRedirect(_topic_url(region, params["TopicArn"]))
        params = {k: v for k, v in params.items() if k != "ReturnSubscriptionArn"}
    shown = dict(params)
    if "Endpoint" in shown:
        shown["NotificationEndpoint"] = shown.pop("Endpoint")
    context = {
        "rt": subs_type,
        "form": form,
        "sections": [("Details", [form[n] for n in form.fields])],
        "list_url": resource_url("resource-list", region, subs_type),
        "cli": forms.cli("subscribe", shown, region),
        "breadcrumbs": breadcrumbs(
            request,
            (subs_type.label_plural, resource_url("resource-list", region, subs_type)),
            "Create subscription",
        ),  # fmt: skip
    }
    return render_console(request, "sns/create.html", context)


@console_view(service="sns")
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    topics = _types()[0]
    refused = denied(request, region, "sns", "GetTopicAttributes", {"TopicArn": resource_id})
    crumb = (topics.label_plural, resource_url("resource-list", region, topics))
    if refused:
        return render_denied(request, refused, title=resource_id, crumbs=(crumb,))
    topic = _own_topic(request, region, resource_id)
    if topic is None:
        return render_not_found(
            request, "Topic not found", f"The topic {resource_id} doesn't exist in {region}."
        )
    form = forms.PublishForm(request.POST or None)
    params = {"TopicArn": topic.arn, "Message": "Hello"}
    if request.method == "POST" and form.is_valid():
        params = forms.publish_params(topic.arn, form.cleaned_data)
        result = call(request, region, "sns", "Publish", params)
        if result is not None:
            messages.success(
                request,
                f"Message published to topic {topic.topic_name} successfully. "
                f"Message ID: {result['MessageId']}",
            )
            return HttpResponseRedirect(_topic_url(region, topic.arn))
    context = {
        "topic": topic,
        "form": form,
        "cli": forms.cli("publish", params, region),
        "topic_url": _topic_url(region, topic.arn),
        "breadcrumbs": breadcrumbs(
            request, crumb, (topic.topic_name, _topic_url(region, topic.arn)), "Publish message"
        ),
    }
    return render_console(request, "sns/publish.html", context)


@console_view(service="sns")
def outbox(request: HttpRequest, region: str) -> HttpResponse:
    """What email, email-json and SMS subscriptions of this account would have received."""
    ctx = console_ctx(request, region)
    refused = list_denied(request, region, _types()[0])
    rows = [] if refused else list(OutboxMessage.objects.filter(account_id=ctx.account.id)[:200])
    context = {
        "rows": rows,
        "denied": refused,
        "breadcrumbs": breadcrumbs(request, "Outbox"),
    }
    return render_console(request, "sns/outbox.html", context)


@console_view(service="sns")
@require_POST
def outbox_confirm(request: HttpRequest, region: str, pk: int) -> HttpResponse:
    """The confirmation link of an email in the Outbox, followed from the console."""
    ctx = console_ctx(request, region)
    row = OutboxMessage.objects.filter(account_id=ctx.account.id, pk=pk).first()
    back = reverse("sns:outbox", kwargs={"region": region})
    sub = Subscription.objects.filter(resource_id=row.subscription_arn).first() if row else None
    if sub is None or not sub.token:
        messages.error(request, "NotFound: Subscription does not exist")
        return HttpResponseRedirect(back)
    params = {"TopicArn": sub.topic.resource_id, "Token": sub.token}
    if call(request, row.region, "sns", "ConfirmSubscription", params) is not None:
        messages.success(request, f"Subscription confirmed: {sub.resource_id}")
    return HttpResponseRedirect(back)
