"""A classroom's topology on real servers, without Docker: Debian's PostgreSQL and
redis-server, two web processes and two Celery workers (and beat) against them through
DATABASE_URL / REDIS_URL, as docker-compose.yml describes. A lab's steps are driven
through the AWS door while one worker is killed with SIGKILL; every instance must still
reach its state and nothing may be lost.

CI installs the servers (.ci/run); where they are missing the test is skipped.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from console.up import gunicorn_argv
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.topology


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres_user() -> list[str]:
    """PostgreSQL refuses to run as root: as root (CI), run its commands as nobody."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL as nobody")
    return [runuser, "-u", "nobody", "--"]


def _wait_port(port: int, what: str, proc: subprocess.Popen | None, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if (proc is not None and proc.poll() is not None) or time.monotonic() > deadline:
                raise AssertionError(f"{what} did not start:\n{log.read_text()[-3000:]}") from None
            time.sleep(0.2)


@dataclass
class Topology:
    folder: Path
    env: dict[str, str]
    webs: list[str] = field(default_factory=list)
    workers: list[subprocess.Popen] = field(default_factory=list)
    procs: list[subprocess.Popen] = field(default_factory=list)

    def spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = self.folder / f"{name}.log"
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL,
            stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.procs.append(proc)
        return proc

    def run(self, *argv: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            argv, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}:\n{p.read_text(errors='replace')[-2500:]}"
            for p in sorted(self.folder.glob("*.log"))
        )


@pytest.fixture(scope="module")
def topology() -> Iterator[Topology]:
    pg_bin = _postgres_bin()
    redis_server = shutil.which("redis-server")
    if pg_bin is None or redis_server is None:
        pytest.skip(
            "Debian's postgresql and redis-server are not installed "
            "(apt-get install postgresql redis-server; CI does it in .ci/run)"
        )
    as_pg = _as_postgres_user()
    # Under /tmp, not pytest's 0700 folders: the nobody user must reach its data.
    folder = Path(tempfile.mkdtemp(prefix="stratolab-topology-"))
    folder.chmod(0o755)
    pgdata = folder / "pgdata"
    pgdata.mkdir(mode=0o700)
    if as_pg:
        nobody = pwd.getpwnam("nobody")
        os.chown(pgdata, nobody.pw_uid, nobody.pw_gid)
    pg_port, redis_port = free_port(), free_port()
    pg_log = folder / "postgres.log"
    pg_log.touch()
    pg_log.chmod(0o666)
    procs: list[subprocess.Popen] = []
    topo: Topology | None = None
    try:
        subprocess.run(
            [*as_pg, str(pg_bin / "initdb"), "-D", str(pgdata), "-U", "postgres",
             "--auth=trust", "--no-sync"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        subprocess.run(
            [*as_pg, str(pg_bin / "pg_ctl"), "-D", str(pgdata), "-l", str(pg_log), "-w",
             "-o", f"-p {pg_port} -c listen_addresses=127.0.0.1 "
                   f"-c unix_socket_directories={pgdata} -c fsync=off",
             "start"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        subprocess.run(
            [str(pg_bin / "createdb"), "-h", "127.0.0.1", "-p", str(pg_port), "-U", "postgres",
             "stratolab"],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        redis_log = folder / "redis.log"
        redis = subprocess.Popen(
            [redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(folder)],
            stdout=redis_log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        procs.append(redis)
        _wait_port(redis_port, "redis-server", redis, redis_log)

        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("STRATOLAB_", "DJANGO_")) and k not in ("SECRET_KEY",)
        }
        web_ports = [free_port(), free_port()]
        env.update(
            DATABASE_URL=f"postgresql://postgres@127.0.0.1:{pg_port}/stratolab",
            REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
            STRATOLAB_HOME=str(folder / "home"),
            SECRET_KEY="topology-test-secret-key-shared-by-every-web-process",
            DJANGO_SETTINGS_MODULE="console.settings",
            STRATOLAB_PUBLIC_URL=f"http://127.0.0.1:{web_ports[0]}",
            STRATOLAB_TIME_SCALE="0.3",
            STRATOLAB_SWEEP_SECONDS="2",
            PYTHONPATH=str(ROOT),
            PYTHONUNBUFFERED="1",
        )
        topo = Topology(folder, env, procs=procs)
        topo.run(sys.executable, "manage.py", "migrate", "--no-input", "-v", "0")
        for n, port in enumerate(web_ports, 1):
            web = topo.spawn(f"web{n}", gunicorn_argv(f"127.0.0.1:{port}", "1"))
            _wait_port(port, f"web{n}", web, folder / f"web{n}.log")
            topo.webs.append(f"http://127.0.0.1:{port}")
        for n in (1, 2):
            topo.workers.append(
                topo.spawn(
                    f"worker{n}",
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "console",
                        "worker",
                        "-n",
                        f"worker{n}@%h",
                        "--concurrency=2",
                        "--loglevel=INFO",
                        "--without-gossip",
                        "--without-mingle",
                    ],
                )  # fmt: skip
            )
        topo.spawn(
            "beat",
            [sys.executable, "-m", "celery", "-A", "console", "beat", "--loglevel=INFO",
             "--schedule", str(folder / "celerybeat-schedule")],
        )  # fmt: skip
        for n in (1, 2):
            deadline = time.monotonic() + 60
            while b"ready." not in (folder / f"worker{n}.log").read_bytes():
                assert time.monotonic() < deadline, topo.logs()
                time.sleep(0.2)
        yield topo
    finally:
        for proc in reversed(topo.procs if topo else procs):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in reversed(topo.procs if topo else procs):
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        subprocess.run(
            [*as_pg, str(pg_bin / "pg_ctl"), "-D", str(pgdata), "-m", "fast", "-w", "stop"],
            capture_output=True, timeout=60,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def student(topology: Topology) -> dict:
    done = topology.run(
        sys.executable, "-m", "console.cli", "account", "create",
        "--email", "topology@example.com", "--password", "correct horse battery", "--json",
    )  # fmt: skip
    return json.loads(done.stdout)


def _ec2(topology: Topology, student: dict, web: int):
    return boto3.client(
        "ec2",
        region_name="us-east-1",
        endpoint_url=topology.webs[web],
        aws_access_key_id=student["access_key_id"],
        aws_secret_access_key=student["secret_access_key"],
        config=Config(retries={"max_attempts": 1}, read_timeout=60),
    )


def _wait_states(topology: Topology, student: dict, ids: list[str], state: str) -> None:
    """Every instance in `state`, read through both web processes in turn."""
    deadline = time.monotonic() + 120
    turn = 0
    while True:
        reply = _ec2(topology, student, turn % 2).describe_instances(InstanceIds=ids)
        states = {i["InstanceId"]: i["State"]["Name"] for r in reply["Reservations"]
                  for i in r["Instances"]}  # fmt: skip
        if sorted(states) == sorted(ids) and set(states.values()) == {state}:
            return
        assert time.monotonic() < deadline, f"stuck: {states}\n{topology.logs()}"
        turn += 1
        time.sleep(0.5)


def test_a_lab_survives_a_worker_killed_mid_way(topology: Topology, student: dict) -> None:
    web1, web2 = _ec2(topology, student, 0), _ec2(topology, student, 1)
    # The first EC2 lab's steps: a key pair, SSH from one address, then instances.
    web1.create_key_pair(KeyName="lab-key")
    vpc = web2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    group = web1.create_security_group(
        GroupName="ssh-from-me", Description="SSH from my address", VpcId=vpc["VpcId"]
    )["GroupId"]
    web2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                        "IpRanges": [{"CidrIp": "203.0.113.7/32"}]}],
    )  # fmt: skip
    image = web1.describe_images(
        Owners=["amazon"], Filters=[{"Name": "name", "Values": ["al2023-ami-*-x86_64"]}]
    )["Images"][0]["ImageId"]
    launched = web2.run_instances(
        ImageId=image, InstanceType="t3.micro", MinCount=6, MaxCount=6, KeyName="lab-key",
        SecurityGroupIds=[group],
    )  # fmt: skip
    ids = [i["InstanceId"] for i in launched["Instances"]]
    assert {i["State"]["Name"] for i in launched["Instances"]} == {"pending"}

    # One worker dies with its tasks (prefetched, some started): SIGKILL, no warm shutdown.
    killed = topology.workers[0]
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait(10)

    _wait_states(topology, student, ids, "running")
    # The rest of the lab runs on the surviving worker alone.
    web1.stop_instances(InstanceIds=ids)
    _wait_states(topology, student, ids, "stopped")
    web2.start_instances(InstanceIds=ids)
    _wait_states(topology, student, ids, "running")
    web1.terminate_instances(InstanceIds=ids)
    _wait_states(topology, student, ids, "terminated")

    # Both web processes saw every change, and none answered with a server error.
    for n in (1, 2):
        log = (topology.folder / f"web{n}.log").read_text()
        assert '" 500 ' not in log, log[-3000:]
    assert topology.workers[1].poll() is None, topology.logs()
