"""Messages are signed as SNS signs them: SignatureVersion 1 is SHA1withRSA, 2 is
SHA256withRSA, over "Key\\nValue\\n" of the envelope's signed fields in their fixed
order. The key is this installation's own (made once, kept sealed in the database so
the web and worker processes share it) and its self-signed certificate is published at
the SigningCertURL, on the service's own host name (`sns.<region>.localhost`, see
services/sns/door.py), as SNS publishes its certificate on sns.<region>.amazonaws.com.
A subscriber verifies a message exactly as it would verify AWS's, except that it must
trust this certificate instead of checking its issuer."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import ipaddress
from urllib.parse import quote, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import IntegrityError, transaction

from services.sns.models import SigningKey

KEY_NAME = "default"

# The fields each message type signs, in the order SNS concatenates them.
SIGNED_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type",
    ),
    "UnsubscribeConfirmation": (
        "Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type",
    ),
}  # fmt: skip


def _make() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return cert.public_bytes(serialization.Encoding.PEM).decode(), key_pem


def _row() -> SigningKey:
    row = SigningKey.objects.filter(name=KEY_NAME).first()
    if row is not None:
        return row
    certificate, private_key = _make()
    try:
        with transaction.atomic():
            return SigningKey.objects.create(
                name=KEY_NAME, certificate=certificate, private_key=private_key
            )
    except IntegrityError:  # another process made it first: theirs is the key
        return SigningKey.objects.get(name=KEY_NAME)


def _loaded() -> tuple[str, object]:
    """The certificate and the private key. The row is read each time (one indexed
    read: every process must sign with, and publish, the same key, even if the row
    was made again); the key is parsed once per row."""
    row = _row()
    return row.certificate, _parsed(row.pk, row.private_key)


@functools.lru_cache(maxsize=4)
def _parsed(pk: int, private_key: str) -> object:
    return serialization.load_pem_private_key(private_key.encode(), password=None)


def certificate_pem() -> str:
    return _loaded()[0]


def certificate_name() -> str:
    """`SimpleNotificationService-<digest>.pem`, as SNS names its certificates."""
    digest = hashlib.sha256(certificate_pem().encode()).hexdigest()[:32]
    return f"SimpleNotificationService-{digest}.pem"


def string_to_sign(message: dict) -> bytes:
    fields = SIGNED_FIELDS[message["Type"]]
    text = "".join(f"{f}\n{message[f]}\n" for f in fields if f in message)
    return text.encode()


def sign(message: dict, version: str = "1") -> dict:
    """`message` with SignatureVersion, Signature and SigningCertURL added."""
    algorithm = hashes.SHA256() if version == "2" else hashes.SHA1()
    key = _loaded()[1]
    signature = key.sign(string_to_sign(message), padding.PKCS1v15(), algorithm)
    message["SignatureVersion"] = version
    message["Signature"] = base64.b64encode(signature).decode()
    message["SigningCertURL"] = service_url(message["TopicArn"].split(":")[3]) + (
        "/" + certificate_name()
    )
    return message


def service_url(region: str) -> str:
    """The base URL of SNS's own host name in `region`: `http://sns.us-east-1.localhost:8000`
    for a Stratolab reached at http://127.0.0.1:8000 (STRATOLAB_PUBLIC_URL; browsers and
    most resolvers send every `*.localhost` name to this machine)."""
    public = urlsplit(settings.STRATOLAB_PUBLIC_URL)
    name = public.hostname or "localhost"
    try:
        ipaddress.ip_address(name)
    except ValueError:
        domain = name
    else:
        domain = "localhost"
    netloc = f"sns.{region}.{domain}"
    if public.port:
        netloc += f":{public.port}"
    return f"{public.scheme or 'http'}://{netloc}"


def subscribe_url(region: str, topic_arn: str, token: str) -> str:
    return (
        f"{service_url(region)}/?Action=ConfirmSubscription"
        f"&TopicArn={quote(topic_arn, safe='')}&Token={quote(token, safe='')}"
    )


def unsubscribe_url(region: str, subscription_arn: str) -> str:
    return (
        f"{service_url(region)}/?Action=Unsubscribe"
        f"&SubscriptionArn={quote(subscription_arn, safe='')}"
    )
