"""Tencent Cloud API signature v3 (TC3-HMAC-SHA256), as plain functions.

The canonical request hashes the exact body bytes sent and the headers named in SignedHeaders
(names and values lower-cased and trimmed); the credential scope carries the UTC date of the
request's timestamp (not Beijing time), and the signing key is derived from the secret key, that
date and the service. PROVIDERS.md §6 C pins Tencent's published example.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

ALGORITHM = "TC3-HMAC-SHA256"
SIGNED_HEADERS = ("content-type", "host")


@dataclass(frozen=True, slots=True)
class Tc3Signature:
    """Every intermediate value of one signature, so tests can pin each step."""

    hashed_payload: str
    canonical_request: str
    hashed_canonical_request: str
    credential_scope: str
    string_to_sign: str
    signature: str
    authorization: str


def utc_date(timestamp: int) -> str:
    """The `YYYY-MM-DD` of a Unix timestamp in UTC, as the credential scope needs."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def signing_key(secret_key: str, date: str, service: str) -> bytes:
    """kSigning = HMAC(HMAC(HMAC("TC3" + SecretKey, date), service), "tc3_request")."""
    k_date = _hmac(("TC3" + secret_key).encode(), date)
    k_service = _hmac(k_date, service)
    return _hmac(k_service, "tc3_request")


def canonical_headers(headers: Mapping[str, str], signed: Sequence[str]) -> str:
    """`name:value\\n` for each signed header, names and values lower-cased and trimmed."""
    lowered = {name.lower(): value for name, value in headers.items()}
    return "".join(f"{name}:{lowered[name].strip().lower()}\n" for name in signed)


def sign_tc3(
    *,
    secret_id: str,
    secret_key: str,
    service: str,
    timestamp: int,
    payload: bytes,
    headers: Mapping[str, str],
    signed_headers: Sequence[str] = SIGNED_HEADERS,
    method: str = "POST",
    path: str = "/",
    query: str = "",
) -> Tc3Signature:
    """The TC3-HMAC-SHA256 signature of one request; `headers` must hold every signed header."""
    signed = sorted(name.lower() for name in signed_headers)
    signed_list = ";".join(signed)
    hashed_payload = sha256_hex(payload)
    canonical_request = "\n".join(
        (method, path, query, canonical_headers(headers, signed), signed_list, hashed_payload)
    )
    hashed_canonical_request = sha256_hex(canonical_request.encode())
    date = utc_date(timestamp)
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = f"{ALGORITHM}\n{timestamp}\n{scope}\n{hashed_canonical_request}"
    signature = hmac.new(
        signing_key(secret_key, date, service), string_to_sign.encode(), hashlib.sha256
    ).hexdigest()
    authorization = (
        f"{ALGORITHM} Credential={secret_id}/{scope}, "
        f"SignedHeaders={signed_list}, Signature={signature}"
    )
    return Tc3Signature(
        hashed_payload=hashed_payload,
        canonical_request=canonical_request,
        hashed_canonical_request=hashed_canonical_request,
        credential_scope=scope,
        string_to_sign=string_to_sign,
        signature=signature,
        authorization=authorization,
    )


def api_headers(
    *,
    secret_id: str,
    secret_key: str,
    service: str,
    action: str,
    version: str,
    region: str,
    timestamp: int,
    payload: bytes,
    content_type: str,
    host: str,
) -> dict[str, str]:
    """The headers of a signed TencentCloud API 3.0 POST: Authorization and the X-TC-* ones.

    `host` must be the Host the request really carries (a local fake's `127.0.0.1:port` too).
    """
    signature = sign_tc3(
        secret_id=secret_id,
        secret_key=secret_key,
        service=service,
        timestamp=timestamp,
        payload=payload,
        headers={"content-type": content_type, "host": host},
    )
    return {
        "Authorization": signature.authorization,
        "Content-Type": content_type,
        "X-TC-Action": action,
        "X-TC-Timestamp": str(timestamp),
        "X-TC-Version": version,
        "X-TC-Region": region,
    }
