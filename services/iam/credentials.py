"""From an access key id to the caller: the one lookup the AWS door needs.

`principal_for_access_key(key_id, ...)` finds long-term keys (core AccessKey rows: the
root user's or an IAM user's) and temporary credentials from STS (ASIA... keys, with
their session token and expiry), and returns who is calling and the secret to check
the signature with. Bad or expired credentials raise the AWS error of the service
being called (InvalidClientTokenId / ExpiredToken; AuthFailure / RequestExpired for
EC2; InvalidAccessKeyId / ExpiredToken for S3).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from services.core.context import CallContext, Principal
from services.core.errors import AwsError
from services.core.models import AccessKey, Account
from services.iam import errors
from services.iam.models import TemporaryCredential


@dataclass(frozen=True)
class Credentials:
    account: Account
    principal: Principal
    access_key_id: str
    secret_access_key: str
    session_token: str = ""  # temporary credentials only
    mfa_authenticated: bool = False


def invalid_credentials(service: str = "") -> AwsError:
    if service == "ec2":
        return errors.AuthFailure("AWS was not able to validate the provided access credentials")
    if service == "s3":
        return errors.InvalidAccessKeyId(
            "The AWS Access Key Id you provided does not exist in our records."
        )
    return errors.InvalidClientTokenId("The security token included in the request is invalid.")


def expired_credentials(service: str = "") -> AwsError:
    if service == "ec2":
        return errors.RequestExpired("Request has expired.")
    if service == "s3":
        return errors.ExpiredToken("The provided token has expired.", status=400)
    return errors.ExpiredToken("The security token included in the request is expired")


def principal_for_access_key(
    key_id: str, *, session_token: str = "", service: str = "", region: str = ""
) -> Credentials:
    """Who signs with `key_id`. Raises the service's AWS error for unknown, inactive or
    expired credentials, or a temporary key presented without its session token. Marks
    a long-term key as last used by `service` in `region`."""
    if key_id.startswith("ASIA"):
        temp = (
            TemporaryCredential.objects.select_related("account")
            .filter(access_key_id=key_id)
            .first()
        )
        if temp is None or temp.account.status != "active":
            raise invalid_credentials(service)
        if session_token != temp.session_token:
            raise invalid_credentials(service)
        if temp.expired:
            raise expired_credentials(service)
        if temp.kind == "AssumedRole":
            principal = Principal(
                temp.account_id, "AssumedRole", f"{temp.role_name}/{temp.session_name}"
            )
        elif temp.kind == "IAMUser":
            principal = Principal(temp.account_id, "IAMUser", temp.user_name)
        else:
            principal = Principal.root(temp.account_id)
        return Credentials(
            temp.account,
            principal,
            key_id,
            temp.secret_access_key,
            temp.session_token,
            temp.mfa_authenticated,
        )
    key = AccessKey.objects.select_related("account").filter(access_key_id=key_id).first()
    if key is None or key.status != "Active" or key.account.status != "active":
        raise invalid_credentials(service)
    if service:
        AccessKey.objects.filter(pk=key.pk).update(
            last_used_at=timezone.now(), last_used_service=service, last_used_region=region
        )
    principal = (
        Principal.root(key.account_id)
        if key.is_root
        else Principal(key.account_id, "IAMUser", key.user_name)
    )
    return Credentials(key.account, principal, key_id, key.secret_access_key)


def caller_identity(ctx: CallContext) -> dict[str, str]:
    """GetCallerIdentity's answer for any caller: the root user (UserId = account id),
    an IAM user (AIDA... id, ARN with the user's path) or a role session
    (AROA...:session, arn:aws:sts::...:assumed-role/ROLE/SESSION)."""
    from services.iam.models import Role, User

    principal = ctx.principal
    account = principal.account_id
    if principal.kind == "IAMUser":
        user = User.objects.filter(account_id=account, name__iexact=principal.name).first()
        if user is not None:
            return {"UserId": user.resource_id, "Account": account, "Arn": user.arn}
    elif principal.kind == "AssumedRole":
        role_name, _, session = principal.name.partition("/")
        role = Role.objects.filter(account_id=account, name__iexact=role_name).first()
        role_id = role.resource_id if role is not None else role_name
        return {"UserId": f"{role_id}:{session}", "Account": account, "Arn": principal.arn}
    return {"UserId": account, "Account": account, "Arn": principal.arn}
