"""The S3 console in a real browser: create a bucket, then upload with the file picker
and by drag and drop (each file with its progress bar), and download."""

import pytest
from playwright.sync_api import expect

from services.s3.models import ObjectVersion

pytestmark = pytest.mark.browser


def test_create_bucket_upload_and_download(signed_in):
    page = signed_in
    page.goto("/us-east-1/s3/buckets/create/")
    page.get_by_label("Bucket name").fill("browser-bucket")
    page.get_by_role("button", name="Create bucket").click()
    expect(page.locator(".flash-success")).to_contain_text(
        'Successfully created bucket "browser-bucket".'
    )
    page.get_by_role("link", name="browser-bucket").click()
    page.get_by_label("Folder name").fill("docs")
    page.get_by_role("button", name="Create folder").click()
    page.get_by_role("link", name="docs/").click()
    # The file picker.
    page.locator("[data-file-picker]").set_input_files(
        [{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"picked " * 5000}]
    )
    expect(page.locator("[data-progress] li[data-state=succeeded]")).to_have_count(1)
    expect(page.locator("[data-progress] progress")).to_have_attribute("value", "100")
    # Drag and drop onto the drop zone.
    page.evaluate(
        """() => {
            const data = new DataTransfer();
            data.items.add(new File(["dropped bytes"], "dropped.csv", {type: "text/csv"}));
            const zone = document.querySelector("[data-drop-zone]");
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true}));
        }"""
    )
    expect(page.locator("[data-progress] li[data-state=succeeded]")).to_have_count(2)
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="dropped.csv")).to_be_visible()
    assert ObjectVersion.objects.get(key="docs/dropped.csv").content_type == "text/csv"
    assert ObjectVersion.objects.get(key="docs/notes.txt").size == len(b"picked " * 5000)
    with page.expect_download() as info:
        page.get_by_role("row", name="notes.txt").get_by_role("link", name="Download").click()
    path = info.value.path()
    assert open(path, "rb").read() == b"picked " * 5000
