"""Startup: `stratolab up` from a fresh home folder until the first page answers.

    python bench/startup.py [--runs 1] [--restart] [--json out.json]

Each run starts `stratolab up` on a new scratch home (free port) and polls the sign-in
page (GET /signin, every 0.1 s) until it answers 200, then waits for the banner's last
line ("Press Ctrl-C to stop.") and stops it. It prints the seconds to the first page
and to the banner, and the time at which each line of `up`'s own output appeared (where
the seconds go: PostgreSQL's initdb, migrations, the demo account, the workers).
--restart also times a second `up` on the same home (no initdb, no migrations to run).
Target from issue 14: first page under 10 s from a fresh home. Not part of the tests.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from _servers import StratolabServer, load_average, verdict

TARGET_SECONDS = 10.0


def first_page(url: str, server: StratolabServer, timeout: float = 300) -> float:
    """Seconds from the start of `up` until GET /signin answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"stratolab up exited with status {server.proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/signin", timeout=5) as response:
                if response.status == 200:
                    return time.monotonic() - server.started
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no page from {url} in {timeout:.0f}s")


def one_run(home: Path) -> dict:
    server = StratolabServer(home)
    try:
        page: dict = {}

        def poll() -> None:
            try:
                page["seconds"] = first_page(server.url, server)
            except RuntimeError as err:
                page["error"] = str(err)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        lines = server.wait_ready()
        banner = time.monotonic() - server.started
        poller.join(300)
        if "error" in page:
            raise RuntimeError(page["error"])
        timeline = [(round(t - server.started, 2), line.rstrip()) for t, line in lines
                    if line.strip() and not line.startswith(" ")]  # fmt: skip
        return {"first_page_seconds": page["seconds"], "banner_seconds": banner,
                "timeline": timeline}  # fmt: skip
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="fresh homes to time (default 1)")
    parser.add_argument("--restart", action="store_true",
                        help="also time a second up on the last home")  # fmt: skip
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="sl-startup-"))
    result: dict = {"load_before": load_average(), "runs": []}
    try:
        for n in range(args.runs):
            print(f"Run {n + 1}: stratolab up on a fresh home...", flush=True)
            result["runs"].append(one_run(scratch / f"home{n}"))
        if args.restart:
            print("Restart: stratolab up on the same home again...", flush=True)
            result["restart"] = one_run(scratch / f"home{args.runs - 1}")
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    result["load_after"] = load_average()

    print(f"\nLoad {result['load_after']}.")
    last = result["runs"][-1]
    print("\nWhen each line of the last fresh run appeared (seconds after the start):")
    for seconds, line in last["timeline"]:
        print(f"  {seconds:7.2f}  {line}")
    print()
    for n, run in enumerate(result["runs"], 1):
        print(f"fresh home, run {n}: first page {run['first_page_seconds']:.1f}s, "
              f"banner {run['banner_seconds']:.1f}s")  # fmt: skip
    if "restart" in result:
        again = result["restart"]
        print(f"restart on the same home: first page {again['first_page_seconds']:.1f}s, "
              f"banner {again['banner_seconds']:.1f}s")  # fmt: skip
    median = statistics.median(run["first_page_seconds"] for run in result["runs"])
    ok = median < TARGET_SECONDS
    print(f"\nfirst page from a fresh home, median {median:.1f}s; target under "
          f"{TARGET_SECONDS:g}s: {verdict(ok)}")  # fmt: skip
    result["target"] = {"seconds": TARGET_SECONDS, "median": median, "pass": ok}
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
