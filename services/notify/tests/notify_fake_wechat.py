"""A local fake of a WeChat official account's template messages (微信公众号模板消息).

- `POST /cgi-bin/stable_token` with JSON `{grant_type: "client_credential", appid, secret,
  force_refresh}`: in normal mode the current token while it lives (a new one once it is revoked
  or expired), `{access_token, expires_in}`; force_refresh revokes it and issues another. An unknown
  appid is 40013, a wrong secret 40125, another grant_type 40002.
- `POST /cgi-bin/message/template/send?access_token=`: a missing token is 41001, a revoked one
  40001 ("access_token is invalid or not latest"), an expired one 42001. `touser` must be a
  follower's openid (40003 otherwise; 43004 for one who unfollowed), `template_id` one of the
  account's templates (40037), `data` exactly its keywords, each `{"value": str}` (47003).
  Answers `{errcode: 0, errmsg: "ok", msgid}`.
- `client_msg_id`: one message per openid and client_msg_id within 10 minutes; a repeat is answered
  with the first msgid and not delivered again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from notify_fake_weixin import FakeWeixin, error, parse_json

from pingan_shared.testing.http_fake import Reply, Request

APP_ID = "wx8c1f2e3d4a5b6c7d"
APP_SECRET = "fake-wechat-app-secret-0123456789abcdef"
FOLLOWERS = frozenset({"oAbc123follower-1", "oAbc123follower-2"})
# template_id -> its keywords
TEMPLATES: Mapping[str, frozenset[str]] = {
    "tmpl-incident-resolved": frozenset({"thing1", "thing2", "time3"}),
}
CLIENT_MSG_ID_WINDOW = 600.0


class FakeWeChat(FakeWeixin):
    """One official account, its followers and templates, and what was sent."""

    revoked_errcode = 40001

    def __init__(
        self,
        *,
        app_id: str = APP_ID,
        secret: str = APP_SECRET,
        followers: frozenset[str] = FOLLOWERS,
        templates: Mapping[str, frozenset[str]] = TEMPLATES,
    ) -> None:
        super().__init__()
        self.app_id = app_id
        self.secret = secret
        self._initial = (frozenset(followers), dict(templates))
        self.followers = set(followers)
        self.unfollowed: set[str] = set()
        self.templates = dict(templates)
        self.messages: list[dict[str, Any]] = []
        self.force_refreshes = 0
        self._recent: dict[tuple[str, str], tuple[float, int]] = {}  # (openid, id) -> (at, msgid)

    def respond(self, request: Request) -> Reply:
        """Answer one request (called by the server's threads)."""
        method, path, query = request.method, request.path, request.query
        if (method, path) == ("POST", "/cgi-bin/stable_token"):
            return self._stable_token(request.body)
        if (method, path) == ("POST", "/cgi-bin/message/template/send"):
            return self.handle_send(query.get("access_token"), request.body, self._take)
        return 404, {"errcode": 404, "errmsg": "not found"}

    def reset(self) -> None:
        """Forget tokens, scripts, counters, messages and client_msg_ids; the initial followers
        and templates again."""
        super().reset()
        with self.lock:
            self.followers = set(self._initial[0])
            self.templates = dict(self._initial[1])
            self.unfollowed.clear()
            self.messages.clear()
            self.force_refreshes = 0
            self._recent.clear()

    def _stable_token(self, raw: bytes) -> Reply:
        body = parse_json(raw) or {}
        with self.lock:
            self.token_calls += 1
            scripted = self.take_token_script()
            if scripted is not None:
                return error(scripted, "scripted failure")
            if body.get("grant_type") != "client_credential":
                return error(40002, "invalid grant_type")
            if body.get("appid") != self.app_id:
                return error(40013, "invalid appid")
            if body.get("secret") != self.secret:
                return error(40125, "invalid appsecret")
            live = None
            if body.get("force_refresh") is True:
                self.force_refreshes += 1
            else:
                live = self.live_token()
            if live is None:
                self.revoke_tokens_locked()  # a new stable token replaces the old
                live = self.issue_token()
        token, expires_in = live
        return 200, {"access_token": token, "expires_in": expires_in}

    def _take(self, raw: bytes) -> Reply:
        body = parse_json(raw)
        if body is None:
            return error(47001, "data format error")
        openid = body.get("touser")
        if openid in self.unfollowed:
            return error(43004, "require subscribe")
        if openid not in self.followers:
            return error(40003, "invalid openid")
        keywords = self.templates.get(str(body.get("template_id")))
        if keywords is None:
            return error(40037, "invalid template_id")
        data = body.get("data")
        if not _data_fits(data, keywords):
            return error(47003, "argument invalid! data invalid")
        now = self.clock()
        client_msg_id = body.get("client_msg_id")
        if isinstance(client_msg_id, str) and client_msg_id:
            earlier = self._recent.get((openid, client_msg_id))
            if earlier is not None and now - earlier[0] < CLIENT_MSG_ID_WINDOW:
                return 200, {"errcode": 0, "errmsg": "ok", "msgid": earlier[1]}
        msgid = 2_000_000_000 + len(self.messages) + 1
        if isinstance(client_msg_id, str) and client_msg_id:
            self._recent[(openid, client_msg_id)] = (now, msgid)
        self.messages.append({**body, "msgid": msgid})
        return 200, {"errcode": 0, "errmsg": "ok", "msgid": msgid}


def _data_fits(data: Any, keywords: frozenset[str]) -> bool:
    if not isinstance(data, dict) or set(data) != keywords:
        return False
    return all(
        isinstance(item, dict) and isinstance(item.get("value"), str) for item in data.values()
    )


@pytest.fixture(scope="session")
def fake_wechat() -> Iterator[FakeWeChat]:
    """One fake official account server for the run; `wechat` resets it per test."""
    with FakeWeChat() as server:
        yield server


@pytest.fixture
def wechat(fake_wechat: FakeWeChat) -> FakeWeChat:
    """The fake official account with no tokens, scripts or messages yet."""
    fake_wechat.reset()
    return fake_wechat
