"""Aliyun OpenAPI request signing (阿里云 API 签名): RPC v1 (HMAC-SHA1) and V3 (ACS3-HMAC-SHA256).

Pure functions on plain values, shared by the SMS channel and by the test fake that verifies its
requests. Both schemes encode with RFC 3986 (`pe`): unreserved characters stay, everything else,
space included, becomes `%XX` in UTF-8.

- RPC v1: the request's parameters (with the common ones: AccessKeyId, SignatureNonce,
  Timestamp …) sorted by name and joined as `k=v&…`; StringToSign is `METHOD&%2F&pe(that)`;
  Signature is Base64(HMAC-SHA1(secret + "&", StringToSign)), sent as one more parameter.
- V3: a canonical request (method, URI, sorted query, signed headers, SHA-256 of the body) is
  hashed; StringToSign is `ACS3-HMAC-SHA256\\n<hash>`; the hex HMAC-SHA256 of it with the secret
  goes into the `Authorization` header with the key id and the names of the signed headers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import quote

ACS3_ALGORITHM = "ACS3-HMAC-SHA256"
RPC_SIGNATURE_METHOD = "HMAC-SHA1"
RPC_SIGNATURE_VERSION = "1.0"


def percent_encode(value: str) -> str:
    """RFC 3986 encoding as Aliyun documents it (`+`→%20, `*`→%2A, `~` kept)."""
    # quote() with nothing extra marked safe leaves exactly A-Z a-z 0-9 - _ . ~ unencoded.
    return quote(value, safe="")


def canonical_query(params: Mapping[str, str]) -> str:
    """`params` sorted by name, each name and value percent-encoded, joined with `&`."""
    return "&".join(
        f"{percent_encode(name)}={percent_encode(params[name])}" for name in sorted(params)
    )


def utc_timestamp(at: datetime) -> str:
    """An instant as Aliyun's ISO 8601 UTC form, `yyyy-MM-ddTHH:mm:ssZ`."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc_timestamp(value: str) -> datetime:
    """The instant a `yyyy-MM-ddTHH:mm:ssZ` value names; ValueError when it is not one."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


# --- RPC v1 -------------------------------------------------------------------------------------


def rpc_string_to_sign(method: str, params: Mapping[str, str]) -> str:
    """RPC v1 StringToSign: `METHOD&%2F&pe(canonicalized query)`."""
    return f"{method.upper()}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"


def rpc_signature(secret: str, method: str, params: Mapping[str, str]) -> str:
    """RPC v1 Signature of `params` (every parameter except Signature itself)."""
    digest = hmac.new(
        f"{secret}&".encode(), rpc_string_to_sign(method, params).encode(), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode()


def rpc_common_params(
    access_key_id: str, action: str, version: str, *, at: datetime, nonce: str
) -> dict[str, str]:
    """The common parameters every RPC v1 request carries (all but Signature)."""
    return {
        "AccessKeyId": access_key_id,
        "Action": action,
        "Format": "JSON",
        "SignatureMethod": RPC_SIGNATURE_METHOD,
        "SignatureNonce": nonce,
        "SignatureVersion": RPC_SIGNATURE_VERSION,
        "Timestamp": utc_timestamp(at),
        "Version": version,
    }


def rpc_signed_params(secret: str, method: str, params: Mapping[str, str]) -> dict[str, str]:
    """`params` (common and business parameters) with their Signature added."""
    return {**params, "Signature": rpc_signature(secret, method, params)}


# --- V3, ACS3-HMAC-SHA256 -----------------------------------------------------------------------


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256, the form V3 uses for payload and canonical-request hashes."""
    return hashlib.sha256(data).hexdigest()


def canonical_uri(path: str) -> str:
    """The path with each `/`-separated segment percent-encoded; `/` for RPC-style APIs."""
    return "/".join(percent_encode(segment) for segment in (path or "/").split("/"))


def acs3_canonical_request(
    method: str,
    path: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    payload: bytes,
) -> tuple[str, str]:
    """The V3 canonical request over all of `headers`, and its SignedHeaders list."""
    lowered = {name.lower(): value.strip() for name, value in headers.items()}
    names = sorted(lowered)
    canonical_headers = "".join(f"{name}:{lowered[name]}\n" for name in names)
    signed_headers = ";".join(names)
    canonical = "\n".join(
        (
            method.upper(),
            canonical_uri(path),
            canonical_query(query),
            canonical_headers,
            signed_headers,
            sha256_hex(payload),
        )
    )
    return canonical, signed_headers


def acs3_signature(secret: str, canonical_request: str) -> str:
    """Hex HMAC-SHA256 of `ACS3-HMAC-SHA256\\n` + the canonical request's SHA-256."""
    string_to_sign = f"{ACS3_ALGORITHM}\n{sha256_hex(canonical_request.encode())}"
    return hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


def acs3_authorization(access_key_id: str, signed_headers: str, signature: str) -> str:
    """The `Authorization` header value of a V3 request."""
    return (
        f"{ACS3_ALGORITHM} Credential={access_key_id},"
        f"SignedHeaders={signed_headers},Signature={signature}"
    )


def acs3_headers(
    *,
    access_key_id: str,
    secret: str,
    method: str,
    host: str,
    path: str,
    query: Mapping[str, str],
    action: str,
    version: str,
    payload: bytes,
    at: datetime,
    nonce: str,
) -> dict[str, str]:
    """Every header a V3 request sends (host, x-acs-*), `Authorization` included."""
    headers = {
        "host": host,
        "x-acs-action": action,
        "x-acs-content-sha256": sha256_hex(payload),
        "x-acs-date": utc_timestamp(at),
        "x-acs-signature-nonce": nonce,
        "x-acs-version": version,
    }
    canonical, signed_headers = acs3_canonical_request(method, path, query, headers, payload)
    signature = acs3_signature(secret, canonical)
    return {
        **headers,
        "Authorization": acs3_authorization(access_key_id, signed_headers, signature),
    }


def parse_acs3_authorization(value: str) -> dict[str, str] | None:
    """Credential, SignedHeaders and Signature of a V3 `Authorization` value; None if malformed."""
    algorithm, _, rest = value.partition(" ")
    if algorithm != ACS3_ALGORITHM:
        return None
    parts = dict(part.strip().partition("=")[::2] for part in rest.split(","))
    if not all(parts.get(name) for name in ("Credential", "SignedHeaders", "Signature")):
        return None
    return parts
