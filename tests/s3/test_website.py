"""Static website hosting (S3-07), served for real by the live server: index and error
documents, folder redirects, routing rules, the Host-header and the path forms."""

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


def get(student, path, host=None):
    return send(student, "GET", path, host=host, sign=False)


def test_s3_07_index_and_error_documents(student, site):
    make_public(site)
    status, headers, body = get(student, "/website/my-site/")
    assert (status, body) == (200, b"<h1>home</h1>")
    assert headers["Content-Type"] == "text/html"
    status, headers, _ = get(student, "/website/my-site/about")
    assert status == 302 and headers["Location"] == "/website/my-site/about/"
    assert get(student, "/website/my-site/about/")[2] == b"<h1>about</h1>"
    status, _, body = get(student, "/website/my-site/nothing-here")
    assert (status, body) == (404, b"<h1>oops</h1>")
    status, headers, _ = get(student, "/website/my-site/old/page.html")
    assert status == 301 and headers["Location"].endswith("/website/my-site/new/page.html")
    status, _, _ = get(student, "/website/my-site")
    assert status == 302


def test_s3_07_website_host_name(student, site):
    make_public(site)
    port = student.endpoint.rsplit(":", 1)[1]
    host = f"my-site.s3-website-us-east-1.localhost:{port}"
    assert get(student, "/", host=host)[:3:2] == (200, b"<h1>home</h1>")
    status, headers, _ = get(student, "/about", host=host)
    assert status == 302


def test_s3_07_a_private_site_is_forbidden(student, site):
    status, _, body = get(student, "/website/my-site/")
    assert status == 403  # Block Public Access is on, no public policy
    site.delete_bucket_website(Bucket="my-site")
    status, _, body = get(student, "/website/my-site/")
    assert status == 404 and b"NoSuchWebsiteConfiguration" in body
    status, _, body = get(student, "/website/no-such-bucket-x/")
    assert status == 404 and b"NoSuchBucket" in body


def test_redirect_all_requests(student, site):
    site.put_bucket_website(Bucket="my-site", WebsiteConfiguration={
        "RedirectAllRequestsTo": {"HostName": "example.com", "Protocol": "https"}})  # fmt: skip
    status, headers, _ = get(student, "/website/my-site/x")
    assert status == 301 and headers["Location"] == "https://example.com/x"
