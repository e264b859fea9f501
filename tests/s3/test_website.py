"""Static website hosting (S3-07), served for real by the live server from the website
endpoint's host name: index and error documents, folder redirects, routing rules; the
old path form on the console's host only redirects there (tests/s3/test_tenant_origin.py)."""

import json

import pytest

from tests.s3.test_wire_details import send

NO_BPA = dict.fromkeys(
    ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), False
)


@pytest.fixture
def site(student):
    s3 = student.client("s3")
    s3.create_bucket(Bucket="my-site")
    for key, body in [
        ("index.html", "<h1>home</h1>"),
        ("error.html", "<h1>oops</h1>"),
        ("about/index.html", "<h1>about</h1>"),
        ("new/page.html", "new"),
    ]:
        s3.put_object(Bucket="my-site", Key=key, Body=body.encode(),
                      ContentType="text/html")  # fmt: skip
    s3.put_bucket_website(Bucket="my-site", WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"},
        "RoutingRules": [{"Condition": {"KeyPrefixEquals": "old/"},
                          "Redirect": {"ReplaceKeyPrefixWith": "new/"}}]})  # fmt: skip
    return s3


def make_public(s3):
    s3.put_public_access_block(Bucket="my-site", PublicAccessBlockConfiguration=NO_BPA)
    s3.put_bucket_policy(Bucket="my-site", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-site/*"}]}))  # fmt: skip


def site_host(student, bucket="my-site", label="s3-website-us-east-1"):
    port = student.endpoint.rsplit(":", 1)[1]
    return f"{bucket}.{label}.localhost:{port}"


def get(student, path, host=None):
    """An anonymous GET of the website endpoint (`my-site`'s unless `host` says)."""
    return send(student, "GET", path, host=host or site_host(student), sign=False)


def test_s3_07_index_and_error_documents(student, site):
    make_public(site)
    status, headers, body = get(student, "/")
    assert (status, body) == (200, b"<h1>home</h1>")
    assert headers["Content-Type"] == "text/html"
    # Its own origin: served as AWS serves it, no sandbox.
    assert "Content-Security-Policy" not in headers and "Content-Disposition" not in headers
    status, headers, _ = get(student, "/about")
    assert status == 302 and headers["Location"] == "/about/"
    assert get(student, "/about/")[2] == b"<h1>about</h1>"
    status, _, body = get(student, "/nothing-here")
    assert (status, body) == (404, b"<h1>oops</h1>")
    status, headers, _ = get(student, "/old/page.html")
    assert status == 301 and headers["Location"] == "/new/page.html"


def test_s3_07_website_host_name_dot_form(student, site):
    make_public(site)
    host = site_host(student, label="s3-website.us-east-1")  # AWS's newer regions' form
    assert get(student, "/", host=host)[:3:2] == (200, b"<h1>home</h1>")
    status, headers, _ = get(student, "/about", host=host)
    assert status == 302


def test_s3_07_a_private_site_is_forbidden(student, site):
    status, _, body = get(student, "/")
    assert status == 403  # Block Public Access is on, no public policy
    site.delete_bucket_website(Bucket="my-site")
    status, _, body = get(student, "/")
    assert status == 404 and b"NoSuchWebsiteConfiguration" in body
    status, _, body = get(student, "/", host=site_host(student, "no-such-bucket-x"))
    assert status == 404 and b"NoSuchBucket" in body


def test_redirect_all_requests(student, site):
    site.put_bucket_website(Bucket="my-site", WebsiteConfiguration={
        "RedirectAllRequestsTo": {"HostName": "example.com", "Protocol": "https"}})  # fmt: skip
    status, headers, _ = get(student, "/x")
    assert status == 301 and headers["Location"] == "https://example.com/x"
