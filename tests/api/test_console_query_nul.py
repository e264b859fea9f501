"""A NUL byte in a console page's query string (`/search/?q=%00`) is dropped, as the
REST door refuses it: no text column can hold one, so it must never reach PostgreSQL.
(Here beside the REST door's tests of the same input.)"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=%00",
        "/search/?q=vol%00",
        "/us-east-1/ec2/volumes/?filter=%00",
        "/us-east-1/ec2/volumes/?ids=%00&sort=%00&page=%00&page_size=%00",
        "/us-east-1/ec2/volumes/?%00=x",
    ],
)
def test_a_nul_in_a_console_query_is_dropped_not_a_500(console, url):
    response = console.get(url)
    assert response.status_code == 200


def test_a_search_with_a_nul_finds_what_the_search_without_it_finds(console, ctx):
    from services.core import operations

    operations.call(
        ctx,
        "ec2",
        "CreateVolume",
        {
            "AvailabilityZone": "us-east-1a",
            "Size": 8,
            "TagSpecifications": [
                {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "web"}]}
            ],
        },
    )
    response = console.get("/search/?q=w%00eb")
    assert response.status_code == 200
    assert b"web" in response.content
