"""Where a call comes from (aws:SourceIp, the audit log's sourceIPAddress)."""

from services.core.context import source_ip


def test_it_ignores_x_forwarded_for_unless_told_to_trust_a_proxy(settings):
    meta = {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "203.0.113.7, 10.0.0.9"}
    settings.STRATOLAB_TRUST_X_FORWARDED_FOR = False
    assert source_ip(meta) == "10.0.0.9"
    settings.STRATOLAB_TRUST_X_FORWARDED_FOR = True
    assert source_ip(meta) == "203.0.113.7"


def test_it_falls_back_to_loopback_without_an_address():
    assert source_ip({}) == "127.0.0.1"
