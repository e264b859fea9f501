"""Object bodies on disk are the server user's alone (issue 11): every folder under
HOME/s3 is 0700 and every body and spool file 0600, whatever the umask."""

import os
import stat
from pathlib import Path

import pytest

from services.s3 import storage


@pytest.fixture
def home(settings, tmp_path):
    settings.HOME = str(tmp_path / "home")
    old = os.umask(0o022)  # a permissive umask, as a shell usually has
    yield Path(settings.HOME)
    os.umask(old)
    storage._secured.cache_clear()


def modes(top: Path) -> tuple[dict[str, int], dict[str, int]]:
    """The permission bits of the files, and of the folders, under `top`."""
    files, folders = {}, {}
    for path in [top, *top.rglob("*")]:
        mode = path.stat().st_mode
        kind = folders if stat.S_ISDIR(mode) else files
        kind[str(path.relative_to(top.parent))] = stat.S_IMODE(mode)
    return files, folders


def test_bodies_spool_files_and_folders_are_owner_only(s3, home):
    s3("CreateBucket", Bucket="private-files")
    s3("PutObject", Bucket="private-files", Key="a", Body=b"a" * 100)
    upload = s3("CreateMultipartUpload", Bucket="private-files", Key="mp")["UploadId"]
    part = s3("UploadPart", Bucket="private-files", Key="mp", UploadId=upload, PartNumber=1,
              Body=b"p" * 10)  # fmt: skip
    s3("CompleteMultipartUpload", Bucket="private-files", Key="mp", UploadId=upload,
       MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})  # fmt: skip
    s3("CopyObject", Bucket="private-files", Key="copy", CopySource="private-files/a")
    spooled = storage.spool(iter([b"in flight"]))
    files, folders = modes(home / "s3")
    spooled.discard()
    assert len(files) >= 5 and any("/tmp/" in p for p in files)  # 4 bodies and the spool file
    assert set(files.values()) == {0o600}, files
    assert set(folders.values()) == {0o700}, folders
    assert s3.read("private-files", "copy") == b"a" * 100


def test_folders_of_an_older_install_are_closed(s3, home):
    for folder in ("s3", "s3/tmp", "s3/blobs"):
        (home / folder).mkdir(parents=True, mode=0o755)
        os.chmod(home / folder, 0o755)
    storage._secured.cache_clear()
    s3("CreateBucket", Bucket="older")
    s3("PutObject", Bucket="older", Key="a", Body=b"a")
    for folder in ("s3", "s3/tmp", "s3/blobs"):
        assert stat.S_IMODE((home / folder).stat().st_mode) == 0o700, folder
