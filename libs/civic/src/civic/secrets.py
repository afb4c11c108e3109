"""Every secret the platform needs, made on first run into one folder that is never committed.

``civic-secrets <folder>`` (the launcher calls the same function; compose runs it in a
one-shot container) writes, once, and keeps on later runs:

* ``kafka/ca.crt`` and ``kafka/ca.key``: the platform's own CA (the key stays here, to sign
  certificates for brokers added later); ``kafka/broker.pem``: one broker key and
  certificate, named for every host a broker may be reached by;
* ``kafka/users/<principal>.password``: a SCRAM password per Kafka principal;
* ``db/<service>.password`` and ``db/postgres.password``;
* ``bigdata/pseudonym-key``: the big-data platform's pseudonym key (``civic.pseudonyms``:
  ids on ``bigdata.events.v1`` are HMACs under it), and ``<service>/bigdata-pseudonym-key``,
  a copy for each of the six services (each file has one reader; the copies never change);
* ``intake/id-number-key``: the key that sealed ID numbers before data keys had ids (its
  values are re-sealed under the data keys and then it is no longer needed);
* ``<service>/master-keys/m0001.key``: the master key that wraps the data keys of each
  service that seals personal data (``SEALING_SERVICES``; ``civic.sealing``; a county with a
  KMS keeps the master key there instead);
* ``auth/private.pem`` / ``auth/public.pem``: the development token issuer (local only);
* ``city/signing.pem`` / ``city/signing.pub.pem``: a stand-in for the city system's key that
  signs its status reports (local only; a county installs the city's public key instead);
* ``intake/inbound.pem`` / ``intake/inbound.pub.pem``: intake's inbound X25519 key pair; the
  city system seals each report's ID number to the public half (the county gives it to the
  city), and only intake, holding the private half, opens it.

Passwords come from ``secrets.token_urlsafe`` (letters, digits, ``-`` and ``_``), which
survive every quoting they pass through (JAAS, properties, URLs). Files are mode 0600.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa, x25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from civic.bus.grants import BIGDATA, CITY_SYSTEM, OPERATIONS, PROVISIONER, SERVICES
from civic.clock import machine_now
from civic.pseudonyms import new_key, platform_key_file, service_key_file
from civic.sealing.master import make_first_master_key

SERVICE_NAMES = tuple(SERVICES)
#: The services that seal personal data at rest, each with master keys of its own.
SEALING_SERVICES = ("intake", "survey", "review", "dispatch", "settlement", "archive")
#: Every fixed Kafka principal; ``admin`` is the super user the launcher provisions with.
KAFKA_PRINCIPALS = ("admin", *SERVICE_NAMES, PROVISIONER, CITY_SYSTEM, BIGDATA, OPERATIONS)
#: Names a broker may be reached by: the launcher's loopback and compose's service names.
BROKER_HOSTS = ("localhost", "127.0.0.1", "kafka", "kafka-1", "kafka-2", "kafka-3")
_PEM = serialization.Encoding.PEM


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _once(path: Path, make: bytes) -> None:
    if not path.exists():
        _write(path, make)


def password_of(folder: Path, principal: str) -> str:
    """The Kafka password of ``principal``."""
    return (folder / "kafka" / "users" / f"{principal}.password").read_text().strip()


def _ca(now: dt.datetime) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "池州社会救助平台 local CA")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _broker_cert(
    ca_key: ec.EllipticCurvePrivateKey, ca: x509.Certificate, hosts: Iterable[str], now: dt.datetime
) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    usage = x509.ExtendedKeyUsage(
        [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kafka-broker")]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=False)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    # Kafka's PEM keystore on Java 17 reads only an unencrypted PKCS#8 key.
    pkcs8 = key.private_bytes(_PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return pkcs8 + cert.public_bytes(_PEM) + ca.public_bytes(_PEM)


def _tls(folder: Path) -> None:
    kafka = folder / "kafka"
    if (kafka / "broker.pem").exists():
        return
    # Certificates are dated by the machine's time: TLS peers check them against theirs.
    now = machine_now()
    key, ca = _ca(now)
    plain = serialization.NoEncryption()
    _write(kafka / "ca.key", key.private_bytes(_PEM, serialization.PrivateFormat.PKCS8, plain))
    _write(kafka / "ca.crt", ca.public_bytes(_PEM))
    _write(kafka / "broker.pem", _broker_cert(key, ca, BROKER_HOSTS, now))
    (kafka / "ca.crt").chmod(0o644)  # public: every client needs it


def ensure_token_keys(folder: Path) -> Path:
    """The development token issuer's RSA keypair under ``folder/auth``; returns the public."""
    auth = folder / "auth"
    if (auth / "private.pem").exists() and (auth / "public.pem").exists():
        return auth / "public.pem"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    plain = serialization.NoEncryption()
    _write(auth / "private.pem", key.private_bytes(_PEM, serialization.PrivateFormat.PKCS8, plain))
    public = key.public_key().public_bytes(_PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    _write(auth / "public.pem", public)
    (auth / "public.pem").chmod(0o644)
    return auth / "public.pem"


def _city_signing_key(folder: Path) -> None:
    # Stands in for the city system's signing key (local and tests): intake gets the public
    # half; the journeys sign reports with the private half, as the city system would.
    city = folder / "city"
    if (city / "signing.pem").exists():
        return
    key = ec.generate_private_key(ec.SECP256R1())
    plain = serialization.NoEncryption()
    _write(city / "signing.pem", key.private_bytes(_PEM, serialization.PrivateFormat.PKCS8, plain))
    public = key.public_key().public_bytes(_PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    _write(city / "signing.pub.pem", public)
    (city / "signing.pub.pem").chmod(0o644)


def _pseudonym_keys(folder: Path) -> None:
    # One key for the platform, one copy per service: every service must pseudonymise an id
    # alike, and each container may read only files of its own (deploy/secrets/prepare.sh).
    platform = platform_key_file(folder)
    _once(platform, new_key())
    for name in SERVICE_NAMES:
        _once(service_key_file(folder, name), platform.read_bytes())


def _inbound_key(folder: Path) -> None:
    # intake's own key pair (every environment, not a stand-in): the public half is what the
    # city system seals ID numbers to, so none travels in clear on assistance.status.v2.
    intake = folder / "intake"
    if (intake / "inbound.pem").exists():
        return
    key = x25519.X25519PrivateKey.generate()
    private = key.private_bytes(
        _PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write(intake / "inbound.pem", private)
    public = key.public_key().public_bytes(_PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    _write(intake / "inbound.pub.pem", public)
    (intake / "inbound.pub.pem").chmod(0o644)


def ensure_secrets(folder: Path) -> Path:
    """Makes whatever secret is missing in ``folder`` (idempotent); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    for principal in (*KAFKA_PRINCIPALS, "controller"):
        _once(folder / "kafka" / "users" / f"{principal}.password", _password())
    for name in (*SERVICE_NAMES, "postgres"):
        _once(folder / "db" / f"{name}.password", _password())
    _once(folder / "grafana" / "admin.password", _password())  # compose's dashboards
    _once(folder / "intake" / "id-number-key", base64.b64encode(secrets.token_bytes(32)))
    _pseudonym_keys(folder)
    for name in SEALING_SERVICES:
        make_first_master_key(folder / name / "master-keys")
    _tls(folder)
    ensure_token_keys(folder)
    _city_signing_key(folder)
    _inbound_key(folder)
    return folder


def _password() -> bytes:
    return secrets.token_urlsafe(24).encode()


def main(
    folder: Annotated[Path, typer.Argument(help="Where the secrets live (created if missing).")],
) -> None:
    """Makes every missing secret in FOLDER; keeps the ones already there."""
    ensure_secrets(folder)
    typer.echo(f"secrets ready in {folder}")


def cli() -> None:
    """Entry point of ``civic-secrets``."""
    typer.run(main)
