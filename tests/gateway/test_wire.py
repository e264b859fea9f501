"""What the gateway reads off the wire: the path exactly as signed, and the body."""

from __future__ import annotations

from django.test import RequestFactory

from services.core.gateway import wire


def test_the_raw_path_comes_from_gunicorns_raw_uri():
    request = RequestFactory().get("/a/b c", RAW_URI="/functions/my%3Afn/a%2Fb?x=1")
    req, too_large = wire.from_django(request)
    assert req.path == "/functions/my%3Afn/a%2Fb" and not too_large


def test_an_absolute_form_request_target_keeps_only_its_path():
    request = RequestFactory().get("/x", RAW_URI="http://127.0.0.1:8000/x%20y?q=1")
    assert wire.from_django(request)[0].path == "/x%20y"


def test_without_raw_uri_the_path_is_encoded_again_as_sdks_encode_it():
    # runserver and Django's test client only give the decoded PATH_INFO.
    request = RequestFactory().get("/functions/my:fn/caf%C3%A9 x")
    assert wire.from_django(request)[0].path == "/functions/my%3Afn/caf%C3%A9%20x"


def test_headers_keep_the_host_with_its_port():
    request = RequestFactory().post(
        "/",
        b"Action=X",
        content_type="application/x-www-form-urlencoded",
        HTTP_HOST="127.0.0.1:8000",
        HTTP_X_AMZ_DATE="20240101T000000Z",
    )
    req = wire.from_django(request)[0]
    assert req.host == "127.0.0.1:8000"
    assert req.headers.get("X-Amz-Date") == "20240101T000000Z"
    assert req.headers.get("content-type") == "application/x-www-form-urlencoded"
    assert req.form == [("Action", "X")]


def test_a_body_over_the_limit_is_not_read(settings):
    settings.STRATOLAB_GATEWAY_MAX_BODY = 4
    request = RequestFactory().post("/", b"0123456789", content_type="text/plain")
    req, too_large = wire.from_django(request)
    assert too_large and req.body == b""
