"""Tenant content is never an active document on the console's origin (issue 11):
what S3 answers on the console's host is sandboxed (`Content-Security-Policy: sandbox`,
`nosniff`) and HTML-like objects are downloads there; virtual-hosted and website host
names are origins of their own, served as AWS serves them; the old `/website/<bucket>/`
path only redirects to the website's host name. The same in a real browser:
tests/s3/test_browser_origin.py."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.test import RequestFactory

from services.core import tenant_content
from tests.pages import text
from tests.s3.test_wire_details import send

NO_BPA = dict.fromkeys(
    ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), False
)
PAGE = b"<html><body><h1>hi</h1><script>document.title='ran'</script></body></html>"


def fetch(url: str, host: str | None = None):
    """A plain GET as a browser's address bar sends it: no Authorization header."""
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def port_of(student) -> str:
    return student.endpoint.rsplit(":", 1)[1]


def make_public(s3, bucket: str) -> None:
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=NO_BPA)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}))  # fmt: skip


@pytest.fixture
def s3(student):
    client = student.client("s3")
    client.create_bucket(Bucket="tenant")
    client.put_object(Bucket="tenant", Key="page.html", Body=PAGE, ContentType="text/html")
    return client


def sandboxed(headers) -> bool:
    return (
        headers.get("Content-Security-Policy") == "sandbox"
        and headers.get("X-Content-Type-Options") == "nosniff"
    )


# --- the console's host ----------------------------------------------------------------------


def sigv4_client(student):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=student.endpoint,
        aws_access_key_id=student.access_key_id,
        aws_secret_access_key=student.secret_access_key,
        config=Config(signature_version="s3v4"),
    )


@pytest.mark.parametrize("signature", ["SigV2", "SigV4"])
def test_a_presigned_html_object_is_a_sandboxed_download(student, s3, signature):
    client = sigv4_client(student) if signature == "SigV4" else s3
    url = client.generate_presigned_url(
        "get_object", Params={"Bucket": "tenant", "Key": "page.html"}
    )
    assert ("X-Amz-Credential=" in url) is (signature == "SigV4")
    assert urlsplit(url).path == "/tenant/page.html"  # path-style, on the console's host
    status, headers, body = fetch(url)
    assert (status, body) == (200, PAGE)
    assert headers["Content-Type"] == "text/html"
    assert sandboxed(headers)
    assert headers["Content-Disposition"] == "attachment"


SCRIPT_CAPABLE = [
    "image/svg+xml",
    "application/xhtml+xml",
    "text/xml",
    "application/rss+xml",
    "text/html; charset=utf-8",
    "TEXT/HTML",
    "text/html,",  # not a valid type: a browser would guess
]


@pytest.mark.parametrize("content_type", SCRIPT_CAPABLE)
def test_every_script_capable_type_is_a_download(s3, content_type):
    s3.put_object(Bucket="tenant", Key="doc", Body=PAGE, ContentType=content_type)
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "tenant", "Key": "doc"})
    status, headers, _ = fetch(url)
    assert status == 200 and sandboxed(headers)
    assert headers["Content-Disposition"] == "attachment"


def test_inert_types_open_inline_but_sandboxed(s3):
    s3.put_object(Bucket="tenant", Key="cat.png", Body=b"\x89PNG", ContentType="image/png")
    s3.put_object(Bucket="tenant", Key="notes.txt", Body=PAGE, ContentType="text/plain")
    for key in ("cat.png", "notes.txt"):
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "tenant", "Key": key})
        status, headers, _ = fetch(url)
        assert status == 200 and sandboxed(headers)
        assert "Content-Disposition" not in headers


def test_a_disposition_the_tenant_chose_is_kept_and_still_sandboxed(s3):
    s3.put_object(Bucket="tenant", Key="named.html", Body=PAGE, ContentType="text/html",
                  ContentDisposition='attachment; filename="report.html"')  # fmt: skip
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "tenant", "Key": "named.html"})
    headers = fetch(url)[1]
    assert headers["Content-Disposition"] == 'attachment; filename="report.html"'
    assert sandboxed(headers)
    # `inline` asked for in the presigned URL: shown, but as an inert document.
    inline = {"Bucket": "tenant", "Key": "page.html", "ResponseContentDisposition": "inline"}
    url = s3.generate_presigned_url("get_object", Params=inline)
    status, headers, body = fetch(url)
    assert (status, body) == (200, PAGE)
    assert headers["Content-Disposition"] == "inline" and sandboxed(headers)


def test_sdk_calls_see_the_objects_own_metadata(student, s3):
    got = s3.get_object(Bucket="tenant", Key="page.html")
    assert got["Body"].read() == PAGE
    assert "ContentDisposition" not in got  # not an attachment the object never had
    assert got["ResponseMetadata"]["HTTPHeaders"]["content-security-policy"] == "sandbox"
    status, headers, _ = send(student, "HEAD", "/tenant/page.html")
    assert status == 200 and sandboxed(headers) and "Content-Disposition" not in headers


def test_s3_errors_and_listings_on_the_console_host_are_sandboxed(student, s3):
    status, headers, body = send(student, "GET", "/tenant/nothing.html")
    assert status == 404 and b"<Code>NoSuchKey</Code>" in body and sandboxed(headers)
    status, headers, _ = send(student, "GET", "/tenant?list-type=2")
    assert status == 200 and sandboxed(headers)
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "tenant", "Key": "page.html"})
    status, headers, body = fetch(url.replace("Signature=", "Signature=x"))
    assert status == 403 and b"SignatureDoesNotMatch" in body and sandboxed(headers)
    assert "Content-Disposition" not in headers  # S3's own XML is shown, inert


# --- host names of their own -----------------------------------------------------------------


def test_virtual_hosted_objects_are_their_own_origin(student, s3):
    make_public(s3, "tenant")
    host = f"tenant.s3.us-east-1.localhost:{port_of(student)}"
    status, headers, body = fetch(f"{student.endpoint}/page.html", host=host)
    assert (status, body) == (200, PAGE)
    assert headers["Content-Type"] == "text/html"
    assert "Content-Security-Policy" not in headers and "Content-Disposition" not in headers
    # `/website/...` there is a key like any other.
    s3.put_object(Bucket="tenant", Key="website/a.txt", Body=b"a key", ContentType="text/plain")
    assert fetch(f"{student.endpoint}/website/a.txt", host=host)[::2] == (200, b"a key")
    # And that host never answers the console, the REST API or the instructor pages.
    for path in ("/api/v1/", "/instructor/", "/signin"):
        status, headers, body = fetch(f"{student.endpoint}{path}", host=host)
        assert b"<Error>" in body and b"stratolab" not in body.lower()


def test_the_old_website_path_redirects_to_the_website_host_name(student, s3):
    make_public(s3, "tenant")
    s3.put_bucket_website(Bucket="tenant", WebsiteConfiguration={
        "IndexDocument": {"Suffix": "page.html"}})  # fmt: skip
    status, headers, body = send(student, "GET", "/website/tenant/docs/a%20b.html?x=1", sign=False)
    assert status == 302 and PAGE not in body
    port = port_of(student)
    assert headers["Location"] == (
        f"http://tenant.s3-website-us-east-1.localhost:{port}/docs/a%20b.html?x=1"
    )
    assert sandboxed(headers)
    # The host name serves the site.
    status, _, body = fetch(
        f"{student.endpoint}/", host=f"tenant.s3-website-us-east-1.localhost:{port}"
    )
    assert (status, body) == (200, PAGE)


def test_the_old_website_path_serves_nothing_else(student, s3):
    status, headers, body = send(student, "GET", "/website/tenant/page.html", sign=False)
    assert status == 404 and b"NoSuchWebsiteConfiguration" in body and PAGE not in body
    assert sandboxed(headers)
    status, headers, body = send(student, "GET", "/website/no-such-bucket-x/", sign=False)
    assert status == 404 and b"NoSuchBucket" in body and sandboxed(headers)


# --- the console's own pages ------------------------------------------------------------------


WEBSITE = {"WebsiteConfiguration": {"IndexDocument": {"Suffix": "index.html"}}}


@pytest.fixture
def console_bucket(console, ctx):
    from services.core import operations

    operations.call(ctx, "s3", "CreateBucket", {"Bucket": "console-site"})
    operations.call(ctx, "s3", "PutObject", {"Bucket": "console-site", "Key": "index.html",
                                             "Body": PAGE, "ContentType": "text/html"})  # fmt: skip
    operations.call(ctx, "s3", "PutBucketWebsite", {"Bucket": "console-site", **WEBSITE})
    return console


def test_properties_tab_shows_the_website_host_name_with_the_consoles_port(console_bucket):
    base = "/us-east-1/s3/buckets/console-site/"
    page = text(console_bucket.get(base + "?tab=properties", HTTP_HOST="127.0.0.1:8123"))
    assert "http://console-site.s3-website-us-east-1.localhost:8123/" in page
    assert "/website/" not in page
    page = text(console_bucket.get(base + "?tab=properties", HTTP_HOST="lab.example.edu"))
    assert "http://console-site.s3-website-us-east-1.lab.example.edu/" in page
    details = text(console_bucket.get(base + "object/?key=index.html", HTTP_HOST="localhost:8123"))
    assert "http://console-site.s3.us-east-1.localhost:8123/index.html" in details


def test_newer_regions_show_the_dot_form(console, ctx):
    from services.core import operations

    where = {"CreateBucketConfiguration": {"LocationConstraint": "eu-central-1"}}
    eu = ctx.in_region("eu-central-1")
    operations.call(eu, "s3", "CreateBucket", {"Bucket": "eu-site", **where})
    operations.call(eu, "s3", "PutBucketWebsite", {"Bucket": "eu-site", **WEBSITE})
    page = text(console.get("/eu-central-1/s3/buckets/eu-site/?tab=properties",
                            HTTP_HOST="127.0.0.1:8000"))  # fmt: skip
    assert "http://eu-site.s3-website.eu-central-1.localhost:8000/" in page


def test_the_consoles_download_is_a_sandboxed_attachment(console_bucket):
    response = console_bucket.get("/us-east-1/s3/buckets/console-site/download/?key=index.html")
    assert b"".join(response.streaming_content) == PAGE
    assert response["Content-Disposition"].startswith("attachment")
    assert sandboxed(response)


# --- the rule itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(("host", "console"), [
    ("127.0.0.1:8000", True), ("localhost", True), ("lab.example.edu", True), ("[::1]:8000", True),
    ("", True), ("my-site.s3-website-us-east-1.localhost:8000", False),
    ("my-site.s3-website.eu-central-1.lab.example.edu", False), ("b.s3.localhost:8000", False),
    ("b.s3.us-east-1.localhost", False), ("B.S3.LOCALHOST", False),
])  # fmt: skip
def test_which_hosts_are_the_consoles(host, console):
    request = RequestFactory().get("/", HTTP_HOST=host)
    assert tenant_content.is_console_origin(request) is console


def test_protect_leaves_tenant_hosts_alone():
    from django.http import HttpResponse

    request = RequestFactory().get("/x.html", HTTP_HOST="b.s3.localhost:8000")
    response = tenant_content.protect(request, HttpResponse(PAGE, content_type="text/html"),
                                      tenant_document=True)  # fmt: skip
    assert not response.has_header("Content-Security-Policy")
    request = RequestFactory().get("/b/x.html", HTTP_HOST="127.0.0.1:8000")
    response = tenant_content.protect(request, HttpResponse(PAGE, content_type="text/html"),
                                      tenant_document=True)  # fmt: skip
    assert sandboxed(response) and response["Content-Disposition"] == "attachment"


@pytest.mark.parametrize(("host", "secure", "url"), [
    ("127.0.0.1:8000", False, "http://b.s3.us-east-1.localhost:8000/k"),
    ("[::1]:8000", False, "http://b.s3.us-east-1.localhost:8000/k"),
    ("localhost", False, "http://b.s3.us-east-1.localhost/k"),
    ("Lab.Example.edu:443", True, "https://b.s3.us-east-1.lab.example.edu/k"),
    ("lab.example.edu:8443", True, "https://b.s3.us-east-1.lab.example.edu:8443/k"),
])  # fmt: skip
def test_tenant_urls_follow_the_host_the_console_was_reached_on(host, secure, url):
    request = RequestFactory().get("/", HTTP_HOST=host, secure=secure)
    assert tenant_content.tenant_url(request, "b.s3.us-east-1", "/k") == url
