"""CreateBucket calls racing for one name (issue 12 item 4): the losers get the error S3
gives for a taken name, never a 500 (the unique index catches the loser's insert after
the winner committed)."""

import threading
from collections import Counter

import pytest
from botocore.exceptions import ClientError

from services.s3.models import Bucket
from tests.aws.conftest import Student

THREADS = 8


@pytest.fixture
def rival(student) -> Student:
    from services.core.accounts import create_account

    new = create_account("rival@example.com", "correct horse battery", alias="rival")
    return Student(new.account.id, new.access_key.access_key_id,
                   new.access_key.secret_access_key, student.endpoint)  # fmt: skip


def race(clients, name: str, **params) -> Counter:
    """Every client calls CreateBucket(name) at once; the answers' codes, counted."""
    barrier = threading.Barrier(len(clients))
    answers: list[str] = []

    def create(client) -> None:
        barrier.wait()
        try:
            client.create_bucket(Bucket=name, **params)
            answers.append("OK")
        except ClientError as exc:
            error = exc.response["Error"]
            answers.append(f"{exc.response['ResponseMetadata']['HTTPStatusCode']} {error['Code']}")

    threads = [threading.Thread(target=create, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return Counter(answers)


def test_two_accounts_racing_for_a_name(student, rival):
    clients = [who.client("s3") for who in (student, rival) for _ in range(THREADS // 2)]
    for round_ in range(4):
        name = f"contested-{round_}"
        answers = race(clients, name)
        assert answers["OK"] >= 1, answers
        winner = Bucket.objects.get(resource_id=name).account_id
        # The winner's own other calls may succeed (us-east-1 re-creates are 200); every
        # call of the other account is refused with BucketAlreadyExists.
        loser_calls = THREADS // 2 if winner in (student.account_id, rival.account_id) else 0
        assert answers["409 BucketAlreadyExists"] >= loser_calls, answers
        assert set(answers) <= {"OK", "409 BucketAlreadyExists"}, answers


def test_one_account_racing_itself_outside_us_east_1(student):
    clients = [student.client("s3", region="eu-west-1") for _ in range(THREADS)]
    config = {"CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}}
    for round_ in range(4):
        answers = race(clients, f"mine-{round_}", **config)
        assert answers == Counter({"OK": 1, "409 BucketAlreadyOwnedByYou": THREADS - 1}), answers


def test_one_account_racing_itself_in_us_east_1(student):
    clients = [student.client("s3") for _ in range(THREADS)]
    for round_ in range(4):
        answers = race(clients, f"legacy-{round_}")
        assert answers == Counter({"OK": THREADS}), answers  # S3's legacy us-east-1 rule


# --- the same race, made certain: the winner holds its insert open until the loser waits ---


def _waiting_on_a_lock() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
        return cursor.fetchone()[0] > 0


def held_race(first, second, name: str, **params):
    """`first` inserts bucket `name` and holds its transaction open; `second` creates the
    same name, reaches the unique index and waits; then `first` commits. Returns what
    `second` got: its result or its AwsError."""
    import time

    from django.db import connections, transaction

    from services.core.errors import AwsError

    inserted, release = threading.Event(), threading.Event()
    outcome: dict = {}

    def hold() -> None:
        try:
            with transaction.atomic():
                first("CreateBucket", Bucket=name, **params)
                inserted.set()
                release.wait(30)
        finally:
            connections.close_all()

    def lose() -> None:
        try:
            outcome["result"] = second("CreateBucket", Bucket=name, **params)
        except AwsError as exc:
            outcome["result"] = exc
        finally:
            connections.close_all()

    holder, loser = threading.Thread(target=hold), threading.Thread(target=lose)
    holder.start()
    assert inserted.wait(30)
    loser.start()
    deadline = time.monotonic() + 30
    while not _waiting_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.02)
    release.set()
    holder.join(30)
    loser.join(30)
    return outcome["result"]


def test_losing_a_held_race_to_another_account(transactional_db, s3, other_s3):
    got = held_race(s3, other_s3, "held")
    assert (got.code, got.status) == ("BucketAlreadyExists", 409)
    assert got.fields["BucketName"] == "held"
    assert Bucket.objects.get(resource_id="held").account_id == s3.ctx.account.id


def test_losing_a_held_race_to_yourself(transactional_db, s3):
    eu = s3.region("eu-west-1")
    config = {"CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}}
    got = held_race(eu, eu, "held-eu", **config)
    assert (got.code, got.status) == ("BucketAlreadyOwnedByYou", 409)
    got = held_race(s3, s3, "held-us")
    assert got["Location"] == "/held-us"  # us-east-1: re-creating your own bucket succeeds
