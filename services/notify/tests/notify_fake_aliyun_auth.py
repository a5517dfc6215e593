"""How the fake Aliyun SMS server authenticates a request: V3 (ACS3-HMAC-SHA256) or RPC v1.

Aliyun recomputes the signature from the request it received with the caller's secret and
refuses a mismatch, a timestamp more than 15 minutes off, or a nonce it has already seen; so does
this, with Aliyun's error codes and HTTP statuses.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping, MutableMapping
from datetime import datetime, timedelta

from notify.channels.aliyun_signing import (
    RPC_SIGNATURE_METHOD,
    RPC_SIGNATURE_VERSION,
    acs3_canonical_request,
    acs3_signature,
    parse_acs3_authorization,
    parse_utc_timestamp,
    rpc_signature,
    sha256_hex,
)
from notify.channels.aliyun_sms import VERSION

FRESHNESS = timedelta(minutes=15)
RPC_REQUIRED = (
    "AccessKeyId",
    "Action",
    "Version",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "Timestamp",
)
RPC_COMMON = frozenset({*RPC_REQUIRED, "Signature", "Format", "RegionId"})
ACS3_REQUIRED = (
    "host",
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-content-sha256",
)


class AuthError(Exception):
    """A refusal as Aliyun answers it: HTTP status, Code and Message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message


def verify_request(
    method: str,
    path: str,
    query: Mapping[str, str],
    form: Mapping[str, str],
    headers: Mapping[str, str],
    body: bytes,
    *,
    secrets: Mapping[str, str],
    now: datetime,
    nonces: MutableMapping[str, datetime],
) -> tuple[str, str, dict[str, str]]:
    """The scheme ("acs3" or "rpc"), the action and the business parameters of an authentic
    request; AuthError otherwise. `headers` has lower-case names."""
    params = {**query, **form}
    if "authorization" in headers:
        action, version = _verify_acs3(method, path, query, headers, body, secrets, now)
        nonce, scheme = headers["x-acs-signature-nonce"], "acs3"
    elif "Signature" in params:
        action, version = _verify_rpc(method, params, secrets, now)
        nonce, scheme = params["SignatureNonce"], "rpc"
        params = {k: v for k, v in params.items() if k not in RPC_COMMON}
    else:
        raise AuthError(400, "MissingSignature", "Signature is mandatory for this action.")
    _use_nonce(nonce, now, nonces)
    if version != VERSION:
        raise AuthError(400, "InvalidVersion", "Specified parameter Version is not valid.")
    return scheme, action, params


def _verify_rpc(
    method: str, params: Mapping[str, str], secrets: Mapping[str, str], now: datetime
) -> tuple[str, str]:
    for name in RPC_REQUIRED:
        if not params.get(name):
            raise AuthError(400, f"Missing{name}", f"{name} is mandatory for this action.")
    if (params["SignatureMethod"], params["SignatureVersion"]) != (
        RPC_SIGNATURE_METHOD,
        RPC_SIGNATURE_VERSION,
    ):
        raise AuthError(400, "IncompleteSignature", "Unsupported signature method or version.")
    secret = _secret(secrets, params["AccessKeyId"])
    _check_fresh(params["Timestamp"], now)
    signed = {k: v for k, v in params.items() if k != "Signature"}
    _check_signature(params["Signature"], rpc_signature(secret, method, signed))
    return params["Action"], params["Version"]


def _verify_acs3(
    method: str,
    path: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    body: bytes,
    secrets: Mapping[str, str],
    now: datetime,
) -> tuple[str, str]:
    parts = parse_acs3_authorization(headers["authorization"])
    if parts is None:
        raise AuthError(400, "IncompleteSignature", "The Authorization header is malformed.")
    for name in ACS3_REQUIRED:
        if not headers.get(name):
            raise AuthError(400, "IncompleteSignature", f"The header {name} is required.")
    signed = parts["SignedHeaders"].split(";")
    must_sign = [n for n in headers if n.startswith("x-acs-") or n in ("host", "content-type")]
    if any(name not in signed for name in must_sign):
        raise AuthError(400, "IncompleteSignature", "Every x-acs-* header must be signed.")
    secret = _secret(secrets, parts["Credential"])
    _check_fresh(headers["x-acs-date"], now)
    if headers["x-acs-content-sha256"] != sha256_hex(body):
        raise AuthError(400, "SignatureDoesNotMatch", "x-acs-content-sha256 is not the body's.")
    signed_values = {name: headers.get(name, "") for name in signed}
    canonical, _ = acs3_canonical_request(method, path, query, signed_values, body)
    _check_signature(parts["Signature"], acs3_signature(secret, canonical))
    return headers["x-acs-action"], headers["x-acs-version"]


def _secret(secrets: Mapping[str, str], access_key_id: str) -> str:
    secret = secrets.get(access_key_id)
    if secret is None:
        raise AuthError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
    return secret


def _check_fresh(value: str, now: datetime) -> None:
    try:
        at = parse_utc_timestamp(value)
    except ValueError:
        raise AuthError(
            400,
            "InvalidTimeStamp.Format",
            "Specified time stamp or date value is not well formatted.",
        ) from None
    if abs(now - at) > FRESHNESS:
        raise AuthError(
            400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."
        )


def _check_signature(received: str, expected: str) -> None:
    if not hmac.compare_digest(received.encode(), expected.encode()):
        raise AuthError(
            400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation."
        )


def _use_nonce(nonce: str, now: datetime, nonces: MutableMapping[str, datetime]) -> None:
    for seen, at in list(nonces.items()):
        if now - at > FRESHNESS:
            del nonces[seen]
    if nonce in nonces:
        raise AuthError(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
    nonces[nonce] = now
