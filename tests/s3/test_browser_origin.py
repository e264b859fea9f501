"""Issue 11: one student's S3 content cannot act as another student in the console.

Student A uploads an HTML page whose script tries what an attacker would: read the
console's cookies, create an IAM user through /api/v1/ with the visitor's session, and
read /instructor/. Student B, signed in to the console in the same browser, opens A's
links: a presigned URL, a public object, a website bucket. On the console's origin the
page never runs (sandboxed, or a download); on its own host name (a website, a
virtual-hosted object) it runs as on AWS, but it is another origin: it sees none of
the console's cookies and cannot call the console as B.
"""

from __future__ import annotations

import json
import re

import boto3
import pytest
from botocore.config import Config
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from services.iam.models import User

pytestmark = pytest.mark.browser

NO_BPA = dict.fromkeys(
    ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), False
)

ATTACK = """<!doctype html>
<html><head><title>Lab notes</title></head>
<body><h1 id="shown">Lab notes</h1>
<script>
(async () => {
  const CONSOLE = "%(console)s";
  document.body.setAttribute("data-ran", location.origin);
  const out = {origin: location.origin, cookie: document.cookie};
  // Cookie tossing: overwrite the console's session and CSRF cookies from a subdomain.
  document.cookie = "stratolab_session=tossed; domain=localhost; path=/";
  document.cookie = "csrftoken=tossed; domain=localhost; path=/";
  try {
    let token = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
    if (!token) {
      const page = await fetch(CONSOLE + "/us-east-1/iam/users/", {credentials: "include"});
      token = ((await page.text()).match(/name="csrfmiddlewaretoken" value="([^"]+)"/) || [])[1];
    }
    const made = await fetch(CONSOLE + "/api/v1/iam/users/", {
      method: "POST", credentials: "include",
      headers: {"Content-Type": "application/json", "X-CSRFToken": token || ""},
      body: JSON.stringify({UserName: "made-by-a-script"}),
    });
    out.api = made.status;
  } catch (error) { out.api = String(error); }
  try {
    const sheet = await fetch(CONSOLE + "/instructor/", {credentials: "include"});
    out.instructor = sheet.status + " " + (await sheet.text()).length;
  } catch (error) { out.instructor = String(error); }
  const report = document.createElement("pre");
  report.id = "stolen";
  report.textContent = JSON.stringify(out);
  document.body.appendChild(report);
})();
</script></body></html>
"""


@pytest.fixture
def student_a(live_server, transactional_db):
    """Student A's S3 client against the same server B's console runs on."""
    from services.core.accounts import create_account

    new = create_account("student-a@example.com", "a long password for a", alias="student-a")
    s3 = boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=live_server.url,
        aws_access_key_id=new.access_key.access_key_id,
        aws_secret_access_key=new.access_key.secret_access_key,
        # SigV4: the live server (wsgiref) invents a Content-Type SigV2 would sign.
        config=Config(
            retries={"max_attempts": 1}, signature_version="s3v4", s3={"addressing_style": "path"}
        ),  # fmt: skip
    )
    s3.create_bucket(Bucket="a-notes")
    page = ATTACK % {"console": live_server.url}
    for key in ("notes.html", "index.html"):
        s3.put_object(Bucket="a-notes", Key=key, Body=page.encode(), ContentType="text/html")
    return s3


def make_public(s3, bucket: str) -> None:
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=NO_BPA)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}))  # fmt: skip


def port(live_server) -> str:
    return live_server.url.rsplit(":", 1)[1]


def b_is_untouched(page) -> None:
    """Nothing was done as B, and B is still signed in."""
    assert not User.objects.filter(account=page.account).exists()
    assert all(c["value"] != "tossed" for c in page.context.cookies())
    page.goto("/us-east-1/iam/users/")
    expect(page).to_have_url(re.compile(r"/iam/users/"))


def stolen(page) -> dict:
    report = page.locator("#stolen")
    expect(report).to_be_attached()
    return json.loads(report.text_content())


def test_a_presigned_link_does_not_run_on_the_console(signed_in, student_a, live_server):
    page = signed_in
    # Opened inline (A asked for it in the URL): rendered, but inert.
    inline = {"Bucket": "a-notes", "Key": "notes.html", "ResponseContentDisposition": "inline"}
    url = student_a.generate_presigned_url("get_object", Params=inline)
    assert url.startswith(live_server.url + "/a-notes/")  # the console's own origin
    page.goto(url)
    expect(page.locator("#shown")).to_have_text("Lab notes")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-ran]")).to_have_count(0)
    expect(page.locator("#stolen")).to_have_count(0)
    b_is_untouched(page)
    # As A shares it by default: a download, never a page.
    url = student_a.generate_presigned_url("get_object", Params={
        "Bucket": "a-notes", "Key": "notes.html"})  # fmt: skip
    with page.expect_download() as info:
        try:
            page.goto(url)
        except PlaywrightError as error:
            assert "Download is starting" in str(error)
    assert b"data-ran" in open(info.value.path(), "rb").read()
    b_is_untouched(page)


def test_a_public_object_runs_only_on_its_own_host(signed_in, student_a, live_server):
    page = signed_in
    make_public(student_a, "a-notes")
    # Path-style on the console's host: the console answers (no anonymous S3 there).
    page.goto("/a-notes/notes.html")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-ran]")).to_have_count(0)
    # The Object URL the console shows: virtual-hosted, an origin of its own.
    page.goto(f"http://a-notes.s3.us-east-1.localhost:{port(live_server)}/notes.html")
    expect(page.locator("#shown")).to_have_text("Lab notes")
    found = stolen(page)
    assert found["origin"] == f"http://a-notes.s3.us-east-1.localhost:{port(live_server)}"
    assert "csrftoken" not in found["cookie"] and "session" not in found["cookie"]
    assert found["api"] != 201 and not str(found["instructor"]).startswith("200")
    b_is_untouched(page)


def test_a_website_bucket_runs_only_on_its_own_host_name(signed_in, student_a, live_server):
    page = signed_in
    make_public(student_a, "a-notes")
    student_a.put_bucket_website(Bucket="a-notes", WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}})  # fmt: skip
    site = f"http://a-notes.s3-website-us-east-1.localhost:{port(live_server)}"
    # The old path on the console's host no longer serves the site: it sends the
    # browser to the website's host name.
    page.goto("/website/a-notes/")
    expect(page).to_have_url(site + "/")
    expect(page.locator("#shown")).to_have_text("Lab notes")  # the index document
    found = stolen(page)  # the site's script runs, on the site's origin
    assert found["origin"] == site
    assert "csrftoken" not in found["cookie"] and "session" not in found["cookie"]
    assert found["api"] != 201 and not str(found["instructor"]).startswith("200")
    b_is_untouched(page)


def test_the_console_shows_the_website_host_name(signed_in, student_a, live_server):
    page = signed_in
    from services.core import operations
    from services.core.context import CallContext, Principal

    ctx = CallContext(account=page.account, region="us-east-1",
                      principal=Principal.root(page.account.id), door="console")  # fmt: skip
    operations.call(ctx, "s3", "CreateBucket", {"Bucket": "b-site"})
    operations.call(ctx, "s3", "PutBucketWebsite", {"Bucket": "b-site", "WebsiteConfiguration": {
        "IndexDocument": {"Suffix": "index.html"}}})  # fmt: skip
    page.goto("/us-east-1/s3/buckets/b-site/?tab=properties")
    site = f"http://b-site.s3-website-us-east-1.localhost:{port(live_server)}/"
    expect(page.get_by_role("link", name=site)).to_have_attribute("href", site)
