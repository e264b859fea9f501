"""S3 memory benchmark: upload and download a 1 GiB object through a live Stratolab
(gunicorn, as `stratolab up` runs it) and record the peak resident memory of the
server's processes. Bodies stream through files, so the peak should stay a small
fraction of the object's size.

    python bench/s3_memory.py [--size-mib 1024] [--home DIR] [--json out.json]

It starts its own embedded PostgreSQL and Redis under a scratch home folder (or the
one given), a gunicorn on a free port, creates an account, and then:
1. PUTs the object in one request (streamed, UNSIGNED-PAYLOAD, so the client does not
   hash it twice) and checks the ETag is its MD5;
2. GETs it back, reading in 1 MiB blocks, and checks the MD5 of what came back;
3. uploads it again with boto3's multipart transfer (8 MiB parts, as the CLI does).
While it runs, the RSS of the gunicorn master and workers is sampled every 50 ms.
Not part of the test suite: it takes a minute or two and several GiB of disk.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MiB = 1024 * 1024


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sampler(threading.Thread):
    """Samples the resident memory of a process and its children."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process(pid)
        self.peak = 0
        self.baseline = 0
        self.running = True

    def rss(self) -> int:
        import psutil

        total = 0
        try:
            processes = [self.process, *self.process.children(recursive=True)]
        except psutil.Error:
            return 0
        for proc in processes:
            try:
                total = max(total, proc.memory_info().rss)
            except psutil.Error:
                pass
        return total

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.rss())
            time.sleep(0.05)


def _write_object(path: Path, size: int) -> str:
    digest = hashlib.md5()
    block = os.urandom(MiB)
    with open(path, "wb") as out:
        for i in range(size // MiB):
            chunk = block[:8] + i.to_bytes(8, "big") + block[16:]
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _signed(method: str, url: str, key, headers: dict) -> dict:
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.config import Config
    from botocore.credentials import Credentials

    request = AWSRequest(method=method, url=url, headers=headers)
    # UNSIGNED-PAYLOAD: the server still computes the body's MD5 for the ETag.
    request.context["client_config"] = Config(s3={"payload_signing_enabled": False})
    S3SigV4Auth(Credentials(*key), "s3", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--home", help="data folder (default: a scratch folder, removed after)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    size = args.size_mib * MiB

    home = Path(args.home or tempfile.mkdtemp(prefix="stratolab-bench-"))
    env = dict(os.environ, STRATOLAB_HOME=str(home), DJANGO_SETTINGS_MODULE="console.settings",
               PYTHONPATH=str(ROOT), STRATOLAB_LOG_LEVEL="WARNING")  # fmt: skip
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    from console import embedded
    from console import home as home_mod
    from console.up import gunicorn_argv

    # Started before Django reads its settings, which find the server's socket.
    embedded.start_postgres(home_mod.home_dir(), database="stratolab")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from services.core.accounts import create_account

    stamp = int(time.time())
    new = create_account(f"bench{stamp}@example.com", "benchmark password", alias=f"bench{stamp}")
    key = (new.access_key.access_key_id, new.access_key.secret_access_key)

    port = _free_port()
    log = open(home / "gunicorn.log", "ab")
    server = subprocess.Popen(
        # The web server exactly as `stratolab up` runs it (its buffering worker spools
        # bodies to disk, which is what this benchmark measures).
        [*gunicorn_argv(f"127.0.0.1:{port}", "1"), "--timeout", "600"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    results: dict = {"object_bytes": size}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        endpoint = f"http://127.0.0.1:{port}"
        import boto3
        from boto3.s3.transfer import TransferConfig

        client = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint,
                              aws_access_key_id=key[0], aws_secret_access_key=key[1])  # fmt: skip
        client.create_bucket(Bucket="bench")
        sampler = Sampler(server.pid)
        client.list_buckets()  # warm the worker (imports, catalog) before the baseline
        sampler.baseline = sampler.rss()
        sampler.start()
        source = home / "object.bin"
        md5 = _write_object(source, size)

        start = time.monotonic()
        headers = _signed(
            "PUT", f"{endpoint}/bench/one-put.bin", key, {"Content-Length": str(size)}
        )
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        with open(source, "rb") as body:
            connection.request("PUT", "/bench/one-put.bin", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
        assert response.status == 200, answer
        assert response.getheader("ETag") == f'"{md5}"', response.getheader("ETag")
        results["put_seconds"] = round(time.monotonic() - start, 2)
        results["peak_rss_after_put"] = sampler.peak

        start = time.monotonic()
        headers = _signed("GET", f"{endpoint}/bench/one-put.bin", key, {})
        connection.request("GET", "/bench/one-put.bin", headers=headers)
        response = connection.getresponse()
        digest, received = hashlib.md5(), 0
        while chunk := response.read(MiB):
            digest.update(chunk)
            received += len(chunk)
        assert response.status == 200 and received == size and digest.hexdigest() == md5
        results["get_seconds"] = round(time.monotonic() - start, 2)
        results["peak_rss_after_get"] = sampler.peak
        connection.close()

        start = time.monotonic()
        config = TransferConfig(multipart_threshold=8 * MiB, multipart_chunksize=8 * MiB)
        client.upload_file(str(source), "bench", "multipart.bin", Config=config)
        results["multipart_seconds"] = round(time.monotonic() - start, 2)
        sampler.running = False
        sampler.join()
        results["baseline_rss"] = sampler.baseline
        results["peak_rss"] = sampler.peak
        results["peak_over_baseline"] = sampler.peak - sampler.baseline
        results["peak_over_baseline_share_of_object"] = round(
            (sampler.peak - sampler.baseline) / size, 4
        )
    finally:
        server.terminate()
        server.wait(30)
        embedded.stop_postgres(home_mod.home_dir())
        if not args.home:
            shutil.rmtree(home, ignore_errors=True)
    for name, value in results.items():
        shown = f"{value / MiB:.1f} MiB" if name.endswith(("rss", "_put", "_get", "baseline",
                                                          "bytes")) else value  # fmt: skip
        print(f"{name:40} {shown}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    # Holding the object would cost at least its size; streaming costs a few blocks.
    return 0 if results["peak_over_baseline"] < size // 8 else 1


if __name__ == "__main__":
    sys.exit(main())
