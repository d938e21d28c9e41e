"""Login rate limiting: failed log-ins per account and per address in a sliding window; 429 with a clear
message and Retry-After, before the password is checked; the window passes; a success clears the account."""

from __future__ import annotations

import re

import pytest

from positivesum.web.ratelimit import LoginLimiter
from positivesum.workspace import db as wdb

from .conftest import PASSWORD, make_app, populate


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def world(tmp_path):
    from fastapi.testclient import TestClient

    url = f"sqlite:///{tmp_path / 'ws.sqlite3'}"
    populate(url)
    app = make_app(url)
    clock = Clock()
    app.state.login_limiter = LoginLimiter(window=300, per_account=3, per_address=5, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, clock
    wdb.dispose(url)


def api_login(client, username: str, password: str):
    return client.post("/api/login", json={"username": username, "password": password})


def test_an_account_is_locked_after_failures_until_the_window_passes(world):
    client, clock = world
    for _ in range(3):
        assert api_login(client, "usa-analyst", "wrong password").status_code == 401
    r = api_login(client, "usa-analyst", PASSWORD)  # even the right password: refused before it is checked
    assert r.status_code == 429
    assert "too many failed log-ins" in r.json()["detail"] and "try again in 300 s" in r.json()["detail"]
    assert r.headers["retry-after"] == "300"
    clock.now += 120
    r = api_login(client, "usa-analyst", PASSWORD)
    assert r.status_code == 429 and r.headers["retry-after"] == "180"
    # another account from the same address is not locked by this one (the address has 3 of 5 failures)
    assert api_login(client, "jpn-analyst", PASSWORD).status_code == 200
    clock.now += 181
    assert api_login(client, "usa-analyst", PASSWORD).status_code == 200


def test_a_success_clears_the_account_count(world):
    client, _clock = world
    for _ in range(2):
        assert api_login(client, "usa-viewer", "wrong password").status_code == 401
    assert api_login(client, "usa-viewer", PASSWORD).status_code == 200
    for _ in range(2):
        assert api_login(client, "usa-viewer", "wrong password").status_code == 401
    assert api_login(client, "usa-viewer", PASSWORD).status_code == 200


def test_an_address_trying_many_accounts_is_limited(world):
    client, clock = world
    names = ["usa-viewer", "jpn-viewer", "think-viewer", "nobody-at-all", "usa-analyst"]
    for name in names:  # one failure each: no account reaches its limit, the address reaches its own
        assert api_login(client, name, "wrong password").status_code == 401
    r = api_login(client, "jpn-administrator", PASSWORD)
    assert r.status_code == 429 and "from this address" in r.json()["detail"]
    clock.now += 301
    assert api_login(client, "jpn-administrator", PASSWORD).status_code == 200


def test_the_login_page_is_limited_too_with_a_translated_message(world):
    client, _clock = world

    def form_login(password: str, lang: str = "en"):
        page = client.get(f"/login?lang={lang}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return client.post(
            f"/login?lang={lang}",
            data={"csrf_token": token, "username": "think-analyst", "password": password, "next": "/scenarios"},
            follow_redirects=False,
        )

    for _ in range(3):
        assert form_login("wrong password").status_code == 401
    r = form_login(PASSWORD)
    assert r.status_code == 429 and r.headers["retry-after"] == "300"
    assert "Too many failed log-ins for this account or from this address: try again in 300 s." in r.text
    r = form_login(PASSWORD, "ja")
    assert r.status_code == 429 and "300 秒後" in r.text
    assert "ps_session" not in r.headers.get("set-cookie", "")


def test_the_limiter_forgets_old_failures():
    clock = Clock()
    limiter = LoginLimiter(window=10, per_account=2, per_address=100, clock=clock)
    limiter.failed("a", "1.2.3.4")
    clock.now += 6
    limiter.failed("A", "1.2.3.4")  # user names are compared without case
    assert limiter.wait_seconds("a", "5.6.7.8") == 4
    clock.now += 4
    assert limiter.wait_seconds("a", "5.6.7.8") == 0
