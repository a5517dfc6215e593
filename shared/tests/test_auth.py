"""Token verification and area scoping."""

from __future__ import annotations

import asyncio
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pingan_shared.auth import Role, TokenVerifier, effective_areas, in_areas
from pingan_shared.errors import ProblemError
from pingan_shared.settings import ServiceSettings
from pingan_shared.tokens import main, mint_token


def claims(**extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "iss": "pingan",
        "aud": "pingan",
        "sub": "u1",
        "roles": ["police"],
        "areas": ["530128100001"],
        "exp": int(time.time()) + 60,
    }
    base.update(extra)
    return base


async def test_minted_tokens_verify() -> None:
    verifier = TokenVerifier(ServiceSettings())
    token = mint_token("u1", ["police"], ["530128100001"], name="李警官", unit_id="u-9")
    principal = await verifier.verify(token)
    assert principal.roles == {Role.police}
    assert principal.areas == ("530128100001",)
    assert (principal.name, principal.unit_id) == ("李警官", "u-9")


async def test_rs256_with_a_public_key_and_no_algorithm_confusion() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    verifier = TokenVerifier(ServiceSettings(jwt_public_key=public))
    principal = await verifier.verify(jwt.encode(claims(), key, algorithm="RS256"))
    assert principal.sub == "u1"
    # An HS256 token "signed" with the public key must not pass as RS256.
    forged = jwt.encode(claims(), "x" * 64, algorithm="HS256")
    with pytest.raises(ProblemError) as refused:
        await verifier.verify(forged)
    assert refused.value.status == 401


@pytest.mark.parametrize("missing", ["exp", "roles", "areas", "sub"])
async def test_tokens_missing_required_claims_are_refused(missing: str) -> None:
    body = claims()
    del body[missing]
    token = jwt.encode(body, ServiceSettings().jwt_secret.get_secret_value(), algorithm="HS256")
    with pytest.raises(ProblemError):
        await TokenVerifier(ServiceSettings()).verify(token)


def test_area_scoping_is_a_prefix_test() -> None:
    assert in_areas("530128100001001", ["530128100001"])
    assert not in_areas("530128100002", ["530128100001"])
    assert not in_areas("530128", [""])  # an empty prefix grants nothing


@pytest.mark.parametrize(
    ("requested", "held", "expected"),
    [
        (None, ["530128100001"], ["530128100001"]),
        ("530128", ["530128100001"], ["530128100001"]),
        ("530128100001001", ["530128100001"], ["530128100001001"]),
        ("530128100002", ["530128100001"], []),
    ],
)
def test_effective_areas_is_the_overlap(
    requested: str | None, held: list[str], expected: list[str]
) -> None:
    assert effective_areas(requested, held) == expected


def test_token_cli_prints_a_verifiable_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--role", "leader", "--area", "530128", "--sub", "ops"]) == 0
    token = capsys.readouterr().out.strip()
    decoded = jwt.decode(
        token,
        ServiceSettings().jwt_secret.get_secret_value(),
        algorithms=["HS256"],
        audience="pingan",
    )
    assert decoded["roles"] == ["leader"]


def test_minting_refuses_unknown_roles() -> None:
    with pytest.raises(ValueError, match="superuser"):
        mint_token("x", ["superuser"], ["530128"])


async def test_rs256_from_a_jwks_url() -> None:
    import json
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "county-1", "use": "sig", "alg": "RS256"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
        verifier = TokenVerifier(ServiceSettings(jwt_jwks_url=url))
        token = jwt.encode(claims(), key, algorithm="RS256", headers={"kid": "county-1"})
        assert (await verifier.verify(token)).sub == "u1"
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        with pytest.raises(ProblemError):
            await verifier.verify(
                jwt.encode(claims(), other, algorithm="RS256", headers={"kid": "county-1"})
            )
    finally:
        server.shutdown()


async def test_a_cached_token_is_refused_once_it_expires() -> None:
    verifier = TokenVerifier(ServiceSettings())
    token = mint_token("u1", ["police"], ["530128100001"], ttl_seconds=1)
    assert (await verifier.verify(token)).sub == "u1"
    assert (await verifier.verify(token)).sub == "u1"  # from the cache
    await asyncio.sleep(1.1)
    with pytest.raises(ProblemError) as refused:
        await verifier.verify(token)
    assert refused.value.status == 401


@pytest.mark.parametrize(
    "bad",
    [{"areas": "530128100001"}, {"roles": "admin"}, {"areas": [530128]}, {"areas": ["53%"]}],
    ids=["areas-as-string", "roles-as-string", "area-as-number", "area-not-digits"],
)
async def test_claims_of_the_wrong_shape_are_refused(bad: dict[str, object]) -> None:
    token = jwt.encode(
        claims(**bad), ServiceSettings().jwt_secret.get_secret_value(), algorithm="HS256"
    )
    with pytest.raises(ProblemError) as refused:
        await TokenVerifier(ServiceSettings()).verify(token)
    assert refused.value.status == 401
