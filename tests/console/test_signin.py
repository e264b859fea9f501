"""Sign-in, sign-out and the session every console page needs (IAM-07)."""

from django.test import Client

from services.core.middleware import SESSION_ACCOUNT
from tests.conftest import PASSWORD


def test_it_signs_in_the_root_user_and_goes_home(account):
    client = Client()
    page = client.get("/signin")
    assert b"Root user email address" in page.content
    response = client.post("/signin", {"email": "Student@Example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/home/"
    home = client.get("/home/")
    assert home.status_code == 200
    assert b"Console Home" in home.content
    # The account menu shows the account id as AWS formats it, and the alias.
    formatted = "-".join(account.id[i : i + 4] for i in range(0, 12, 4))
    assert formatted.encode() in home.content
    assert b"student" in home.content


def test_it_refuses_a_wrong_password_and_keeps_no_session(account):
    client = Client()
    response = client.post("/signin", {"email": account.root_email, "password": "wrong password"})
    assert response.status_code == 200
    assert b"Your authentication information is incorrect" in response.content
    assert "stratolab_session" not in response.cookies
    assert SESSION_ACCOUNT not in client.session
    assert client.get("/home/").status_code == 302


def test_it_refuses_an_unknown_email(db):
    response = Client().post("/signin", {"email": "nobody@example.com", "password": PASSWORD})
    assert b"Your authentication information is incorrect" in response.content
    assert "stratolab_session" not in response.cookies


def test_a_request_without_session_goes_to_signin(db):
    for path in ("/home/", "/us-east-1/ec2/volumes/", "/us-east-1/cloudtrail/events/",
                 "/xx-nowhere-1/ec2/volumes/", "/us-east-1/ec2/volumes/create/"):  # fmt: skip
        response = Client().get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/signin?next=" + path), response["Location"]


def test_the_root_url_follows_the_session(console):
    assert Client().get("/")["Location"] == "/signin"
    assert console.get("/")["Location"] == "/home/"


def test_signin_comes_back_to_next_but_never_off_site(account):
    client = Client()
    response = client.post(
        "/signin",
        {"email": account.root_email, "password": PASSWORD, "next": "/us-east-1/ec2/volumes/"},
    )
    assert response["Location"] == "/us-east-1/ec2/volumes/"
    response = Client().post(
        "/signin",
        {"email": account.root_email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/home/"


def test_signout_ends_the_session(console):
    assert console.get("/signout").status_code == 405  # only a POST signs out
    response = console.post("/signout")
    assert response["Location"] == "/signin"
    assert console.get("/home/").status_code == 302


def test_sign_ins_are_console_login_events_in_the_event_history(account):
    """CT-01: the event history shows who signed in, and failed attempts too."""
    from services.core.models import Event

    client = Client()
    client.post("/signin", {"email": account.root_email, "password": "wrong password"})
    client.post("/signin", {"email": account.root_email, "password": PASSWORD})
    logins = list(Event.objects.filter(event_name="ConsoleLogin").order_by("event_time"))
    assert [e.response_elements for e in logins] == [
        {"ConsoleLogin": "Failure"},
        {"ConsoleLogin": "Success"},
    ]
    assert {e.event_source for e in logins} == {"signin.amazonaws.com"}
    assert logins[1].principal_type == "Root" and logins[1].door == "console"
    page = client.get("/us-east-1/cloudtrail/events/")
    assert b"ConsoleLogin" in page.content
