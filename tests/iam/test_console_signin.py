"""IAM users sign in to the console at the account's sign-in page (IAM-07), and what
they then do in the console is authorized as that user."""

from django.test import Client

from services.core.middleware import SESSION_PRINCIPAL


def _user_with_password(iam, policy_arn: str = "") -> None:
    iam("CreateUser", UserName="alice")
    iam("CreateLoginProfile", UserName="alice", Password="Corr3ct-horse")
    if policy_arn:
        iam("AttachUserPolicy", UserName="alice", PolicyArn=policy_arn)


def test_it_signs_in_an_iam_user_by_alias_with_the_sign_in_url(iam, account):
    _user_with_password(iam)
    client = Client()
    page = client.get(f"/signin?account={account.alias}")
    assert b"IAM user name" in page.content
    assert f'value="{account.alias}"'.encode() in page.content
    response = client.post(
        "/signin",
        {"mode": "iam", "account": account.alias, "username": "alice", "password": "Corr3ct-horse"},
    )
    assert response.status_code == 302
    assert client.session[SESSION_PRINCIPAL] == {"kind": "IAMUser", "name": "alice"}
    home = client.get("/home/")
    assert b"alice" in home.content


def test_it_refuses_a_wrong_iam_password_without_a_session(iam, account):
    _user_with_password(iam)
    client = Client()
    response = client.post(
        "/signin",
        {"mode": "iam", "account": account.id, "username": "alice", "password": "wrong-one"},
    )
    assert response.status_code == 200
    assert b"Your authentication information is incorrect" in response.content
    assert SESSION_PRINCIPAL not in client.session


def test_a_read_only_user_sees_volumes_but_cannot_create_one_in_the_console(iam, account):
    """IAM-01: the console is just another door; an implicit deny shows as an error."""
    _user_with_password(iam, "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess")
    client = Client()
    client.post(
        "/signin",
        {"mode": "iam", "account": account.id, "username": "alice", "password": "Corr3ct-horse"},
    )
    assert client.get("/us-east-1/ec2/volumes/").status_code == 200
    page = client.post(
        "/us-east-1/ec2/volumes/create/",
        {"VolumeType": "gp3", "Size": "8", "AvailabilityZone": "us-east-1a"},
        follow=True,
    )
    assert b"UnauthorizedOperation" in page.content
    assert b"ec2:CreateVolume" in page.content
    from services.ec2.models import Volume

    assert not Volume.objects.exists()
