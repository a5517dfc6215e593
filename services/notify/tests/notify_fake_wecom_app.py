"""A local fake of WeCom application messages (企业微信应用消息), speaking the documented protocol.

- `GET /cgi-bin/gettoken?corpid=&corpsecret=`: `{errcode: 0, access_token, expires_in: 7200}`;
  an unknown corp is 40013, a wrong secret 40001.
- `POST /cgi-bin/message/send?access_token=`: a missing token is 41001, a revoked one 40014, an
  expired one 42001. The body needs the app's `agentid`, `msgtype` text or markdown with content of
  at most 2048 bytes, and `touser` "a|b" (at most 1000). Members outside the app's reach come back
  lower-cased in `invaliduser` (not members) or `unlicenseduser` (no licence); the others receive
  it. When nobody could be reached the answer is 81013.
- `enable_duplicate_check: 1`: a request whose JSON equals one taken within
  `duplicate_check_interval` seconds (default 1800) is answered as sent and delivered to nobody.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from notify_fake_weixin import FakeWeixin, error, parse_json

from pingan_shared.testing.http_fake import Reply, Request

CORP_ID = "ww5f3a0c1e2d4b6a78"
APP_SECRET = "fake-wecom-app-secret-0123456789abcdefghijkl"
AGENT_ID = 1000002
MEMBERS = frozenset({"zhangsan", "lisi", "wangwu", "zhaoliu"})
CONTENT_LIMIT = 2048
MAX_USERS = 1000


class FakeWeComApp(FakeWeixin):
    """One WeCom app of one corp, its members, and what they received."""

    def __init__(
        self,
        *,
        corp_id: str = CORP_ID,
        secret: str = APP_SECRET,
        agent_id: int = AGENT_ID,
        members: frozenset[str] = MEMBERS,
    ) -> None:
        super().__init__()
        self.corp_id = corp_id
        self.secret = secret
        self.agent_id = agent_id
        self.members = {member.lower() for member in members}
        self.unlicensed: set[str] = set()
        self.messages: list[dict[str, Any]] = []  # delivered: reached members, body, msgid
        self._recent: dict[str, tuple[float, str]] = {}  # request JSON -> (taken at, msgid)

    def respond(self, request: Request) -> Reply:
        """Answer one request (called by the server's threads)."""
        method, path, query = request.method, request.path, request.query
        if (method, path) == ("GET", "/cgi-bin/gettoken"):
            return self._gettoken(query)
        if (method, path) == ("POST", "/cgi-bin/message/send"):
            return self.handle_send(query.get("access_token"), request.body, self._take)
        return 404, {"errcode": 404, "errmsg": "not found"}

    def received(self, member: str) -> list[str]:
        """The contents `member` received, oldest first."""
        return [
            message["body"][message["body"]["msgtype"]]["content"]
            for message in self.messages
            if member.lower() in message["touser"]
        ]

    def reset(self) -> None:
        """Forget tokens, scripts, counters, messages and the duplicate check's memory."""
        super().reset()
        with self.lock:
            self.unlicensed.clear()
            self.messages.clear()
            self._recent.clear()

    def _gettoken(self, query: dict[str, str]) -> Reply:
        with self.lock:
            self.token_calls += 1
            scripted = self.take_token_script()
            if scripted is not None:
                return error(scripted, "scripted failure")
            if query.get("corpid") != self.corp_id:
                return error(40013, "invalid corpid")
            if query.get("corpsecret") != self.secret:
                return error(40001, "invalid credential")
            token, ttl = self.issue_token()
        return 200, {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": ttl}

    def _take(self, raw: bytes) -> Reply:
        body = parse_json(raw)
        if body is None:
            return error(47001, "data format error")
        refused = _check(body, self.agent_id)
        if refused is not None:
            return refused
        users = [user.lower() for user in str(body["touser"]).split("|")]
        invalid = [user for user in users if user not in self.members]
        unlicensed = [user for user in users if user in self.members and user in self.unlicensed]
        reached = [user for user in users if user not in invalid and user not in unlicensed]
        unreached = {"invaliduser": "|".join(invalid), "unlicenseduser": "|".join(unlicensed)}
        if not reached:
            return error(81013, "user & party & tag all invalid", **unreached)
        msgid = self._deliver(body, reached)
        return 200, {
            "errcode": 0,
            "errmsg": "ok",
            **unreached,
            "invalidparty": "",
            "invalidtag": "",
            "msgid": msgid,
        }

    def _deliver(self, body: dict[str, Any], reached: list[str]) -> str:
        now = self.clock()
        key = json.dumps(body, sort_keys=True, ensure_ascii=False)
        if body.get("enable_duplicate_check") == 1:
            interval = body.get("duplicate_check_interval", 1800)
            earlier = self._recent.get(key)
            if earlier is not None and now - earlier[0] < interval:
                return earlier[1]  # the same request again: answered, not delivered twice
        msgid = f"wecom-msg-{len(self.messages) + 1:06d}"
        self._recent[key] = (now, msgid)
        self.messages.append({"touser": reached, "body": body, "msgid": msgid})
        return msgid


def _check(body: dict[str, Any], agent_id: int) -> Reply | None:
    """The error a send body gets, or None when WeCom would take it."""
    if body.get("agentid") != agent_id:
        return error(40056, "invalid agentid")
    msgtype = body.get("msgtype")
    if msgtype not in ("text", "markdown"):
        return error(40008, "invalid message type")
    part = body.get(msgtype)
    content = part.get("content") if isinstance(part, dict) else None
    if not isinstance(content, str) or not content:
        return error(44004, "empty content")
    if len(content.encode()) > CONTENT_LIMIT:
        return error(40058, "invalid Request Parameter: content exceeds 2048 bytes")
    touser = body.get("touser")
    if not isinstance(touser, str) or not touser or len(touser.split("|")) > MAX_USERS:
        return error(40058, "invalid Request Parameter: touser")
    if body.get("enable_duplicate_check", 0) not in (0, 1):
        return error(40058, "invalid Request Parameter: enable_duplicate_check")
    interval = body.get("duplicate_check_interval", 1800)
    if not isinstance(interval, int) or not 0 < interval <= 4 * 3600:
        return error(40058, "invalid Request Parameter: duplicate_check_interval")
    return None


@pytest.fixture(scope="session")
def fake_wecom_app() -> Iterator[FakeWeComApp]:
    """One fake WeCom app server for the run; `wecom_app` resets it per test."""
    with FakeWeComApp() as server:
        yield server


@pytest.fixture
def wecom_app(fake_wecom_app: FakeWeComApp) -> FakeWeComApp:
    """The fake WeCom app with no tokens, scripts or messages yet."""
    fake_wecom_app.reset()
    return fake_wecom_app
