"""The S3 console: general purpose buckets (global: every bucket, each with its region),
Create bucket, the bucket page with its Objects, Properties, Permissions and
Management tabs, the object browser (folders are key prefixes), uploads, downloads and
object details. Every change is one operation call, as from the other doors."""

from __future__ import annotations

import json
import mimetypes
from urllib.parse import quote, urlencode

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from services.core import audit, operations, shapes, tenant_content
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.regions import REGIONS
from services.core.views.access import denial, read, render_denied
from services.core.views.base import (
    Crumb,
    breadcrumbs,
    call,
    console_ctx,
    console_view,
    render_console,
    render_not_found,
)
from services.s3 import names, notifications_console, storage, website
from services.s3.models import Bucket
from services.s3.objects import STORAGE_CLASSES

BUCKET_TABS = (
    ("objects", "Objects"),
    ("properties", "Properties"),
    ("permissions", "Permissions"),
    ("management", "Management"),
)
OBJECT_TABS = (("properties", "Properties"), ("permissions", "Permissions"))
PAGE = 100


# The bucket type's own pages sit on the generic routes (`Pages` in resources.py).
TYPE_PAGES = {
    "buckets": "resource-list",
    "create-bucket": "resource-create",
    "bucket": "resource-detail",
}


def _url(name: str, region: str, *args: str, **query: str) -> str:
    if name in TYPE_PAGES:
        kwargs = {"region": region, "service": "s3", "slug": "buckets"}
        kwargs.update({"resource_id": args[0]} if args else {})
        url = reverse(f"console:{TYPE_PAGES[name]}", kwargs=kwargs)
    else:
        kwargs = {"region": region, **({"bucket": args[0]} if args else {})}
        url = reverse(f"s3:{name}", kwargs=kwargs)
    query = {k: v for k, v in query.items() if v}
    return f"{url}?{urlencode(query)}" if query else url


def _crumbs(request: HttpRequest, region: str, bucket: str = "", prefix: str = "", *rest):
    trail: list = [Crumb("Buckets", _url("buckets", region))]
    if bucket:
        trail.append(Crumb(bucket, _url("bucket", region, bucket)))
        parts = [p for p in prefix.split("/") if p]
        for i, part in enumerate(parts):
            trail.append(Crumb(f"{part}/", _url("bucket", region, bucket,
                                               prefix="/".join(parts[: i + 1]) + "/")))  # fmt: skip
    trail += list(rest)
    return breadcrumbs(request, *trail)


# --- buckets ------------------------------------------------------------------------------


def _access_label(bucket: Bucket) -> str:
    from services.s3 import access

    if (
        bucket.policy
        and access.policy_is_public(bucket.policy)
        and not (access.bpa(bucket, "RestrictPublicBuckets"))
    ):
        return "Public"
    if (
        bucket.acl
        and access.grants_public(bucket.acl)
        and not access.bpa(bucket, "IgnorePublicAcls")
    ):
        return "Objects can be public"
    return "Bucket and objects not public"


@console_view
def buckets(request: HttpRequest, region: str) -> HttpResponse:
    result, refused = read(request, region, "s3", "ListBuckets")
    result = result or {"Buckets": []}
    query = request.GET.get("q", "").strip()
    rows = [b for b in result["Buckets"] if query.lower() in b["Name"].lower()]
    found = {b.name: b for b in Bucket.objects.filter(resource_id__in=[r["Name"] for r in rows])}
    for row in rows:
        row["access"] = _access_label(found[row["Name"]]) if row["Name"] in found else ""
        row["url"] = _url("bucket", region, row["Name"])
    return render_console(request, "s3/buckets.html", {
        "rows": rows, "count": len(result["Buckets"]), "q": query, "denied": refused,
        "create_url": _url("create-bucket", region),
        "breadcrumbs": _crumbs(request, region),
    })  # fmt: skip


# The console's labels for the model's values (shapes.enum_choices checks them).
OWNERSHIP_LABELS = {
    "BucketOwnerEnforced": "ACLs disabled (recommended)",
    "BucketOwnerPreferred": "ACLs enabled: Bucket owner preferred",
    "ObjectWriter": "ACLs enabled: Object writer",
}
ENCRYPTION_LABELS = {
    "AES256": "Server-side encryption with Amazon S3 managed keys (SSE-S3)",
    "aws:kms": "Server-side encryption with AWS Key Management Service keys (SSE-KMS)",
}


class CreateBucketForm(forms.Form):
    """The AWS console's Create bucket page, as one form."""

    name = forms.CharField(label="Bucket name", max_length=255)
    region = forms.ChoiceField(label="AWS Region")
    object_ownership = forms.ChoiceField(
        label="Object Ownership",
        choices=shapes.lazy_enum_choices("s3", "ObjectOwnership", OWNERSHIP_LABELS),
    )
    block_all = forms.BooleanField(label="Block all public access", required=False, initial=True)
    versioning = forms.ChoiceField(
        label="Bucket Versioning", choices=[("Disabled", "Disable"), ("Enabled", "Enable")]
    )
    encryption = forms.ChoiceField(
        label="Encryption type",
        choices=shapes.lazy_enum_choices("s3", "ServerSideEncryption", ENCRYPTION_LABELS),
    )
    kms_key = forms.CharField(label="AWS KMS key ARN", required=False)
    bucket_key = forms.BooleanField(label="Bucket Key", required=False, initial=True)
    tag_key = forms.CharField(label="Tag key", required=False)
    tag_value = forms.CharField(label="Tag value", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.name} {r.code}") for r in REGIONS.values()]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        problem = names.problem(name)
        if problem:
            raise forms.ValidationError(problem)
        return name


def _create_steps(data: dict) -> list[tuple[str, dict]]:
    """The calls of the Create bucket page: CreateBucket, then each setting that differs
    from a new bucket's defaults."""
    name, target = data["name"], data["region"]
    params: dict = {"Bucket": name, "ObjectOwnership": data["object_ownership"]}
    if target != "us-east-1":
        params["CreateBucketConfiguration"] = {"LocationConstraint": target}
    if data["tag_key"]:
        params.setdefault("CreateBucketConfiguration", {})["Tags"] = [
            {"Key": data["tag_key"], "Value": data["tag_value"]}]  # fmt: skip
    steps = [("CreateBucket", params)]
    if not data["block_all"]:
        steps.append(("PutPublicAccessBlock", {
            "Bucket": name, "PublicAccessBlockConfiguration": dict.fromkeys(
                ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                 "RestrictPublicBuckets"), False)}))  # fmt: skip
    if data["versioning"] == "Enabled":
        steps.append(("PutBucketVersioning", {
            "Bucket": name, "VersioningConfiguration": {"Status": "Enabled"}}))  # fmt: skip
    if data["encryption"] == "aws:kms":
        default = {"SSEAlgorithm": "aws:kms"}
        if data["kms_key"]:
            default["KMSMasterKeyID"] = data["kms_key"]
        steps.append(("PutBucketEncryption", {
            "Bucket": name, "ServerSideEncryptionConfiguration": {"Rules": [{
                "ApplyServerSideEncryptionByDefault": default,
                "BucketKeyEnabled": data["bucket_key"]}]}}))  # fmt: skip
    return steps


def create_configured(ctx: CallContext, steps: list[tuple[str, dict]]) -> None:
    """Run the Create bucket page's calls as one: if any fails (a setting the user may
    not change, a bad KMS key), none of them happened and no bucket is left half
    configured. Each call is still its own operation (IAM, validation, its audit event);
    the failed call's event is written again after the rollback, as a failed call's is."""
    failed: tuple[str, dict, AwsError] | None = None
    try:
        with transaction.atomic():
            for action, params in steps:
                try:
                    operations.call(ctx, "s3", action, params)
                except AwsError as error:
                    failed = (action, params, error)
                    raise
    except AwsError:
        if failed is not None:
            action, params, error = failed
            audit.record(ctx, operations.get("s3", action), params, error=error)
        raise


@console_view
def create_bucket(request: HttpRequest, region: str) -> HttpResponse:
    initial = {"region": region if region != "us-east-1" else "us-east-1"}
    form = CreateBucketForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        name = data["name"]
        try:
            create_configured(console_ctx(request, data["region"]), _create_steps(data))
        except AwsError as error:
            if error.code in ("BucketAlreadyExists", "BucketAlreadyOwnedByYou"):
                form.add_error("name", "A bucket with the same name already exists. Bucket "
                               "names must be unique across all AWS accounts.")  # fmt: skip
            else:
                form.add_error(None, f"{error.code}: {error.message}")
        else:
            messages.success(request, f'Successfully created bucket "{name}".')
            return HttpResponseRedirect(_url("buckets", region))
    return render_console(request, "s3/create_bucket.html", {
        "form": form, "breadcrumbs": _crumbs(request, region, "", "", "Create bucket"),
        "cancel_url": _url("buckets", region),
    })  # fmt: skip


def type_create(request: HttpRequest, region: str, service: str, slug: str) -> HttpResponse:
    """The Create bucket page as the bucket type's create page (the registry's kwargs)."""
    return create_bucket(request, region=region)


def type_detail(
    request: HttpRequest, region: str, service: str, slug: str, resource_id: str
) -> HttpResponse:
    """The bucket page as the bucket type's details page (the registry's kwargs)."""
    return bucket_page(request, region=region, bucket=resource_id)


@console_view
@require_POST
def delete_bucket(request: HttpRequest, region: str, bucket: str) -> HttpResponse:
    if request.POST.get("confirm") != bucket:
        messages.error(request, f"To confirm deletion, enter the name of the bucket: {bucket}.")
        return HttpResponseRedirect(_url("buckets", region))
    if call(request, region, "s3", "DeleteBucket", {"Bucket": bucket}) is not None:
        messages.success(request, f'Successfully deleted bucket "{bucket}".')
    return HttpResponseRedirect(_url("buckets", region))


@console_view
@require_POST
def empty_bucket(request: HttpRequest, region: str, bucket: str) -> HttpResponse:
    if request.POST.get("confirm") != "permanently delete":
        messages.error(request, "To confirm, enter permanently delete.")
        return HttpResponseRedirect(_url("buckets", region))
    ctx = console_ctx(request, region)
    try:
        while True:
            listed = operations.call(ctx, "s3", "ListObjectVersions", {"Bucket": bucket})
            found = listed.get("Versions", []) + listed.get("DeleteMarkers", [])
            items = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in found]
            if not items:
                break
            delete = {"Objects": items, "Quiet": True}
            done = operations.call(ctx, "s3", "DeleteObjects", {"Bucket": bucket, "Delete": delete})
            if done.get("Errors"):  # keys the user may not delete: stop, and say so
                messages.error(request, _failed_deletes(done["Errors"]))
                return HttpResponseRedirect(_url("buckets", region))
    except AwsError as error:
        messages.error(request, f"{error.code}: {error.message}")
    else:
        messages.success(request, f'Successfully emptied bucket "{bucket}".')
    return HttpResponseRedirect(_url("buckets", region))


# --- the bucket page --------------------------------------------------------------------


def _bucket_or_404(request: HttpRequest, region: str, name: str) -> Bucket | HttpResponse:
    found = Bucket.objects.filter(resource_id=name, account=request.account).first()
    if found is None:
        return render_not_found(request, "Bucket not found",
                                f"The bucket “{name}” doesn't exist in this account.")  # fmt: skip
    return found


@console_view
def bucket_page(request: HttpRequest, region: str, bucket: str) -> HttpResponse:
    found = _bucket_or_404(request, region, bucket)
    if isinstance(found, HttpResponse):
        return found
    tab = request.GET.get("tab", "objects")
    if tab not in dict(BUCKET_TABS):
        tab = "objects"
    prefix = request.GET.get("prefix", "")
    context: dict = {
        "bucket": found, "tab": tab, "tabs": BUCKET_TABS, "prefix": prefix,
        "breadcrumbs": _crumbs(request, region, bucket, prefix),
        "region": region, "base": _url("bucket", region, bucket),
        "website_url": website.endpoint(found, request),
    }  # fmt: skip
    if tab == "objects":
        context.update(_objects(request, region, found, prefix))
    else:
        context.update(_settings(request, region, found))
    return render_console(request, "s3/bucket.html", context)


def _objects(request: HttpRequest, region: str, bucket: Bucket, prefix: str) -> dict:
    params = {"Bucket": bucket.name, "Prefix": prefix, "Delimiter": "/", "MaxKeys": PAGE}
    if request.GET.get("token"):
        params["ContinuationToken"] = request.GET["token"]
    result, refused = read(request, region, "s3", "ListObjectsV2", params)
    result = result or {}
    search = request.GET.get("q", "").strip().lower()
    folders = [
        {"name": p["Prefix"][len(prefix):], "prefix": p["Prefix"],
         "url": _url("bucket", region, bucket.name, prefix=p["Prefix"])}
        for p in result.get("CommonPrefixes", [])
        if search in p["Prefix"][len(prefix):].lower()
    ]  # fmt: skip
    files = [
        {**c, "name": c["Key"][len(prefix):],
         "type": c["Key"].rsplit(".", 1)[1] if "." in c["Key"][len(prefix):] else "",
         "url": _url("object", region, bucket.name, key=c["Key"]),
         "download": _url("download", region, bucket.name, key=c["Key"])}
        for c in result.get("Contents", [])
        if c["Key"] != prefix and search in c["Key"][len(prefix):].lower()
    ]  # fmt: skip
    next_url = ""
    if result.get("IsTruncated"):
        next_url = _url("bucket", region, bucket.name, prefix=prefix,
                        token=result["NextContinuationToken"])  # fmt: skip
    return {"folders": folders, "files": files, "next_url": next_url, "q": search,
            "denied": refused,
            "count": len(folders) + len(files),
            "upload_url": _url("upload", region, bucket.name),
            "folder_url": _url("create-folder", region, bucket.name),
            "delete_objects_url": _url("delete-objects", region, bucket.name)}  # fmt: skip


def _get(ctx, action: str, bucket: str, denials: dict | None = None, **params: str):
    """A read of a settings panel: None when it fails (nothing is set, or denied: then
    the denial goes into `denials`, by IAM action, for the tab's alerts)."""
    try:
        return operations.call(ctx, "s3", action, {"Bucket": bucket, **params})
    except AwsError as error:
        refused = denial(error)
        if refused is not None and denials is not None:
            denials.setdefault(refused.action, refused)
        return None


def _object_get(ctx, action: str, bucket: str, key: str) -> dict | None:
    return _get(ctx, action, bucket, Key=key)


def _settings(request: HttpRequest, region: str, bucket: Bucket) -> dict:
    ctx = console_ctx(request, region)
    name = bucket.name
    denials: dict = {}

    def get(action: str) -> dict | None:
        return _get(ctx, action, name, denials)

    tags = (get("GetBucketTagging") or {}).get("TagSet", [])
    policy = (get("GetBucketPolicy") or {}).get("Policy", "")
    if policy:
        try:
            policy = json.dumps(json.loads(policy), indent=2)
        except ValueError:
            pass
    cors = (get("GetBucketCors") or {}).get("CORSRules")
    lifecycle = (get("GetBucketLifecycleConfiguration") or {}).get("Rules", [])
    notification = get("GetBucketNotificationConfiguration") or {}
    return {
        "versioning": (get("GetBucketVersioning") or {}).get("Status", "Disabled"),
        "encryption": (get("GetBucketEncryption") or {})
        .get("ServerSideEncryptionConfiguration", {})
        .get("Rules", [{}])[0],
        "tags": tags,
        "website": get("GetBucketWebsite"),
        "bpa": (get("GetPublicAccessBlock") or {}).get("PublicAccessBlockConfiguration", {}),
        "ownership": bucket.object_ownership,
        "policy": policy,
        "cors": json.dumps(cors, indent=2) if cors else "",
        "lifecycle": lifecycle,
        "lifecycle_json": json.dumps({"Rules": lifecycle}, indent=2) if lifecycle else "",
        "notification_json": json.dumps(notification, indent=2) if notification else "",
        "notification_rows": notifications_console.rows(notification),
        "eventbridge": "EventBridgeConfiguration" in notification,
        "event_choices": notifications_console.EVENT_CHOICES,
        "deliveries": (bucket.notification or {}).get("Deliveries", [])[-10:],
        "arn": f"arn:aws:s3:::{name}",
        "settings_url": _url("bucket-settings", region, name),
        "access": _access_label(bucket),
        "denials": list(denials.values()),
    }


_JSON_SETTINGS = {
    "policy": ("PutBucketPolicy", "DeleteBucketPolicy", "Policy"),
    "cors": ("PutBucketCors", "DeleteBucketCors", "CORSConfiguration"),
    "lifecycle": ("PutBucketLifecycleConfiguration", "DeleteBucketLifecycle",
                  "LifecycleConfiguration"),
    "notification": ("PutBucketNotificationConfiguration", None, "NotificationConfiguration"),
}  # fmt: skip


@console_view
@require_POST
def bucket_settings(request: HttpRequest, region: str, bucket: str) -> HttpResponse:
    """One Properties, Permissions or Management form: `what` says which."""
    what = request.POST.get("what", "")
    data = request.POST
    params: dict = {"Bucket": bucket}
    tab = "properties"
    action = None
    if what == "versioning":
        action = "PutBucketVersioning"
        params["VersioningConfiguration"] = {"Status": data.get("status", "Enabled")}
    elif what == "encryption":
        action = "PutBucketEncryption"
        default = {"SSEAlgorithm": data.get("algorithm", "AES256")}
        if data.get("kms_key") and default["SSEAlgorithm"] != "AES256":
            default["KMSMasterKeyID"] = data["kms_key"]
        params["ServerSideEncryptionConfiguration"] = {"Rules": [{
            "ApplyServerSideEncryptionByDefault": default,
            "BucketKeyEnabled": data.get("bucket_key") == "on"}]}  # fmt: skip
    elif what == "tags":
        pairs = [(k.strip(), v.strip()) for k, v in zip(data.getlist("tag_key"),
                 data.getlist("tag_value"), strict=False) if k.strip()]  # fmt: skip
        action = "PutBucketTagging" if pairs else "DeleteBucketTagging"
        if pairs:
            params["Tagging"] = {"TagSet": [{"Key": k, "Value": v} for k, v in pairs]}
    elif what == "website":
        if data.get("enabled") == "on":
            action = "PutBucketWebsite"
            config: dict = {"IndexDocument": {"Suffix": data.get("index") or "index.html"}}
            if data.get("error"):
                config["ErrorDocument"] = {"Key": data["error"]}
            if data.get("redirect_host"):
                config = {"RedirectAllRequestsTo": {"HostName": data["redirect_host"]}}
            params["WebsiteConfiguration"] = config
        else:
            action = "DeleteBucketWebsite"
    elif what == "bpa":
        tab = "permissions"
        action = "PutPublicAccessBlock"
        params["PublicAccessBlockConfiguration"] = {
            flag: data.get(flag) == "on"
            for flag in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                         "RestrictPublicBuckets")
        }  # fmt: skip
    elif what == "ownership":
        tab = "permissions"
        action = "PutBucketOwnershipControls"
        params["OwnershipControls"] = {"Rules": [{"ObjectOwnership": data.get("ownership")}]}
    elif what in ("notification_create", "notification_delete", "eventbridge"):
        action = "PutBucketNotificationConfiguration"
        ctx = console_ctx(request, region)
        current = _get(ctx, "GetBucketNotificationConfiguration", bucket, {}) or {}
        if what == "notification_create":
            document = notifications_console.with_new(current, data)
        elif what == "notification_delete":
            document = notifications_console.without(current, data.get("id", ""))
        else:
            document = notifications_console.with_eventbridge(current, data.get("enabled") == "on")
        if isinstance(document, str):
            messages.error(request, document)
            return HttpResponseRedirect(_url("bucket", region, bucket, tab=tab))
        params["NotificationConfiguration"] = document
    elif what in _JSON_SETTINGS:
        put, delete, member = _JSON_SETTINGS[what]
        tab = "permissions" if what in ("policy", "cors") else "management"
        if what == "notification":
            tab = "properties"
        text = data.get("document", "").strip()
        if not text and delete:
            action = delete
        elif what == "policy":
            action, params["Policy"] = put, text
        else:
            try:
                document = json.loads(text or "{}")
            except ValueError as exc:
                messages.error(request, f"MalformedJSON: {exc}")
                return HttpResponseRedirect(_url("bucket", region, bucket, tab=tab))
            action = put
            if what == "cors" and isinstance(document, list):
                document = {"CORSRules": document}
            params[member] = document
    if action is None:
        messages.error(request, "Unknown setting.")
    elif call(request, region, "s3", action, params) is not None:
        messages.success(request, "Successfully edited the bucket's settings.")
    return HttpResponseRedirect(_url("bucket", region, bucket, tab=tab))


# --- objects ------------------------------------------------------------------------------


@console_view
@require_POST
def create_folder(request: HttpRequest, region: str, bucket: str) -> HttpResponse:
    prefix = request.POST.get("prefix", "")
    name = request.POST.get("name", "").strip().strip("/")
    if not name or "/" in name:
        messages.error(request, 'Folder names can\'t be empty or contain "/".')
    else:
        key = f"{prefix}{name}/"
        if call(request, region, "s3", "PutObject", {"Bucket": bucket, "Key": key}) is not None:
            messages.success(request, f'Successfully created folder "{name}".')
    return HttpResponseRedirect(_url("bucket", region, bucket, prefix=prefix))


@console_view
def upload(request: HttpRequest, region: str, bucket: str) -> HttpResponse:
    """PUT the file's bytes as the body (the page's script does, with progress): they are
    streamed to a spool file and handed to PutObject, never read into memory."""
    if request.method != "PUT":
        return JsonResponse({"error": "Use PUT with the file as the body."}, status=405)
    key = request.GET.get("key", "")
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    body = storage.spool(storage.read_stream(request, length))
    params = {"Bucket": bucket, "Key": key, "Body": body,
              "ContentType": request.META.get("CONTENT_TYPE") or
              mimetypes.guess_type(key)[0] or "binary/octet-stream"}  # fmt: skip
    if request.GET.get("storage_class"):
        params["StorageClass"] = request.GET["storage_class"]
    try:
        out = operations.call(console_ctx(request, region), "s3", "PutObject", params)
    except AwsError as error:
        return JsonResponse({"code": error.code, "message": error.message}, status=error.status)
    finally:
        body.discard()
    return JsonResponse({"key": key, "etag": out["ETag"]})


@console_view
@require_POST
def delete_objects(request: HttpRequest, region: str, bucket: str) -> HttpResponse:
    prefix = request.POST.get("prefix", "")
    keys = request.POST.getlist("keys")
    if (
        request.POST.get("confirm") != "permanently delete"
        and request.POST.get("confirm") != "delete"
    ):
        messages.error(request, "To confirm deletion, enter delete.")
        return HttpResponseRedirect(_url("bucket", region, bucket, prefix=prefix))
    ctx = console_ctx(request, region)
    objects = []
    try:
        for key in keys:
            if key.endswith("/"):
                # A folder: everything under its prefix.
                listed = operations.call(ctx, "s3", "ListObjectsV2",
                                         {"Bucket": bucket, "Prefix": key})  # fmt: skip
                objects += [{"Key": c["Key"]} for c in listed.get("Contents", [])]
            else:
                objects.append({"Key": key})
        failed: list[dict] = []
        for start in range(0, len(objects), 1000):
            done = operations.call(ctx, "s3", "DeleteObjects", {
                "Bucket": bucket, "Delete": {"Objects": objects[start:start + 1000]}})  # fmt: skip
            failed += done.get("Errors", [])
    except AwsError as error:
        messages.error(request, f"{error.code}: {error.message}")
    else:
        if failed:
            messages.error(request, _failed_deletes(failed))
        if len(objects) > len(failed):
            messages.success(
                request, f"Successfully deleted {len(objects) - len(failed)} object(s)."
            )
    return HttpResponseRedirect(_url("bucket", region, bucket, prefix=prefix))


def _failed_deletes(errors: list[dict]) -> str:
    """DeleteObjects answers a refused key in its Errors: the first one's reason."""
    first = errors[0]
    return (
        f"Failed to delete {len(errors)} object(s). {first['Key']}: "
        f"{first['Code']}: {first['Message']}"
    )


@console_view
def download(request: HttpRequest, region: str, bucket: str) -> HttpResponse:
    key = request.GET.get("key", "")
    params = {"Bucket": bucket, "Key": key}
    if request.GET.get("version"):
        params["VersionId"] = request.GET["version"]
    result = call(request, region, "s3", "GetObject", params)
    if result is None:
        return HttpResponseRedirect(_url("object", region, bucket, key=key))
    body = result["Body"]
    response = FileResponse(body, content_type=result.get("ContentType"))
    response.block_size = storage.BLOCK
    response["Content-Length"] = str(body.length)
    filename = key.rsplit("/", 1)[-1] or "download"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    # The object's bytes on the console's origin: a download, and inert if opened.
    return tenant_content.sandbox(response)


def _object_url(request: HttpRequest, bucket: Bucket, key: str) -> str:
    """The Object URL AWS shows, virtual-hosted (`<bucket>.s3.<region>.localhost`): the
    bucket's own origin, where a public object opens as it would on AWS."""
    return tenant_content.tenant_url(request, f"{bucket.name}.s3.{bucket.region}", f"/{quote(key)}")


@console_view
def object_page(request: HttpRequest, region: str, bucket: str) -> HttpResponse:
    key = request.GET.get("key", "")
    found = _bucket_or_404(request, region, bucket)
    if isinstance(found, HttpResponse):
        return found
    tab = request.GET.get("tab", "properties")
    ctx = console_ctx(request, region)
    prefix = key.rsplit("/", 1)[0] + "/" if "/" in key else ""
    name = key[len(prefix) :]
    try:
        head = operations.call(ctx, "s3", "HeadObject", {"Bucket": bucket, "Key": key})
    except AwsError as error:
        # HeadObject is authorized as s3:GetObject.
        refused = denial(error, "s3:GetObject")
        if refused:
            crumbs = tuple(_crumbs(request, region, bucket, prefix)[1:])
            return render_denied(request, refused, title=name or key, crumbs=crumbs)
        return render_not_found(request, "Object not found", f"{error.code}: {error.message}")
    tags = _object_get(ctx, "GetObjectTagging", bucket, key) or {"TagSet": []}
    versions = []
    if found.versioning:
        listed = _get(ctx, "ListObjectVersions", bucket, Prefix=key) or {}
        versions = [v for v in listed.get("Versions", []) if v["Key"] == key]
    acl = None
    if tab == "permissions":
        acl = _object_get(ctx, "GetObjectAcl", bucket, key)
    return render_console(request, "s3/object.html", {
        "bucket": found, "key": key, "name": name, "head": head, "tags": tags["TagSet"],
        "tab": tab, "tabs": OBJECT_TABS, "versions": versions, "acl": acl,
        "arn": f"arn:aws:s3:::{bucket}/{key}",
        "uri": f"s3://{bucket}/{key}",
        "object_url": _object_url(request, found, key),
        "download_url": _url("download", region, bucket, key=key),
        "base": _url("object", region, bucket, key=key),
        "storage_classes": STORAGE_CLASSES,
        "breadcrumbs": _crumbs(request, region, bucket, prefix, name),
    })  # fmt: skip
