"""Public pages, the widget, the card and the API: what they show and what they never do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import LocalUser
from tests.gitrepos import RepoBuilder

ME = "me@example.com"
SECRET_NAME = "acme-payments-core"


def secret_repository(path: Path) -> RepoBuilder:
    repo = RepoBuilder(path / SECRET_NAME)
    repo.lines("billing/ledger.go", 30)
    repo.commit("feat: ledger", email=ME)
    repo.lines("billing/Dockerfile", 3)
    repo.commit("ci: image", email=ME)
    return repo


def open_repository(path: Path) -> RepoBuilder:
    repo = RepoBuilder(path / "tiny-lib")
    repo.lines("lib.py", 12)
    repo.write("requirements.txt", "requests\n")
    repo.commit("feat: lib", email=ME)
    return repo


@pytest.fixture
def collected(local_user: LocalUser, app: Flask, tmp_path: Path) -> dict[str, str]:
    local_user.add_email(ME)
    for repo in (secret_repository(tmp_path), open_repository(tmp_path)):
        local_user.add_repository(str(repo.path))
    local_user.run_collection()
    ids = {doc["name"].rsplit("/", 1)[-1]: str(doc["_id"])
           for doc in app.extensions["db"].repositories.find()}
    local_user.post(f"/repositories/{ids['tiny-lib']}/privacy", public="True")
    return ids


def public_surfaces(client: FlaskClient) -> dict[str, str]:
    return {url: client.get(url).get_data(as_text=True) for url in (
        "/cv/me", "/embed/me", "/embed/me?chart=share", "/card/me.svg",
        "/api/v1/users/me/stats")}


def test_a_private_repository_is_counted_but_never_named(
    collected: dict[str, str], client: FlaskClient
) -> None:
    for url, body in public_surfaces(client).items():
        assert SECRET_NAME not in body, url
    page = client.get("/cv/me").get_data(as_text=True)
    assert "private repository" in page and "tiny-lib" in page
    api = client.get("/api/v1/users/me/stats").get_json()
    assert api["commits"] == 3
    names = sorted(str(r["name"]) for r in api["repositories"])
    assert names[0] == "None" and names[1].endswith("/tiny-lib")


def test_a_hidden_repository_is_not_counted_anywhere(
    collected: dict[str, str], local_user: LocalUser, client: FlaskClient
) -> None:
    local_user.post(f"/repositories/{collected[SECRET_NAME]}/privacy", hidden="True")
    api = client.get("/api/v1/users/me/stats").get_json()
    assert api["commits"] == 1 and "Go" not in api["languages"]
    assert api["infrastructure"] == {}
    assert len(api["repositories"]) == 1


def test_a_hidden_language_disappears_from_every_surface(
    collected: dict[str, str], local_user: LocalUser, client: FlaskClient
) -> None:
    local_user.post("/settings/privacy", public="on", hidden_language="Go")
    for url, body in public_surfaces(client).items():
        assert ">Go<" not in body and '"Go"' not in body and "Go " not in body, url
    # lib.py, requirements.txt and the Dockerfile remain; ledger.go is gone.
    assert client.get("/api/v1/users/me/stats").get_json()["lines_added"] == 16


def test_a_private_profile_is_visible_to_its_owner_only(
    collected: dict[str, str], local_user: LocalUser, client: FlaskClient, app: Flask
) -> None:
    local_user.post("/settings/privacy")  # the public box unticked
    assert client.get("/cv/me").status_code == 200  # the owner, signed in
    for url in ("/embed/me", "/card/me.svg", "/api/v1/users/me/stats"):
        assert client.get(url).status_code == 404, url
    stranger = app.test_client()
    assert stranger.get("/cv/me").status_code == 404


def test_the_card_is_a_static_svg_with_validators(
    collected: dict[str, str], client: FlaskClient
) -> None:
    card = client.get("/card/me.svg")
    assert card.mimetype == "image/svg+xml"
    assert "<script" not in card.get_data(as_text=True)
    assert card.headers["Cache-Control"] == "public, no-cache" and card.headers["ETag"]
    again = client.get("/card/me.svg", headers={"If-None-Match": card.headers["ETag"]})
    assert again.status_code == 304


def test_the_dark_card_uses_dark_colours(collected: dict[str, str], client: FlaskClient) -> None:
    assert "#171d26" in client.get("/card/me.svg?theme=dark").get_data(as_text=True)
    assert "#171d26" not in client.get("/card/me.svg").get_data(as_text=True)


def test_only_the_widget_may_be_framed_by_other_sites(
    collected: dict[str, str], client: FlaskClient
) -> None:
    assert "frame-ancestors *" in client.get("/embed/me").headers["Content-Security-Policy"]
    for url in ("/cv/me", "/repositories/", "/settings/privacy"):
        assert "frame-ancestors 'none'" in client.get(url).headers["Content-Security-Policy"]


def test_the_api_gives_the_public_numbers_as_json_to_any_origin(
    collected: dict[str, str], client: FlaskClient
) -> None:
    response = client.get("/api/v1/users/me/stats")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = json.loads(response.get_data(as_text=True))
    assert body["commit_types"] == {"ci": 1, "feat": 2}
    assert body["packages"][0]["name"] == "requests"
    assert {type(repository["public"]) for repository in body["repositories"]} == {bool}
    assert client.get("/api/v1/users/nobody/stats").get_json()["error"] == "not_found"


def test_a_date_range_request_from_htmx_returns_only_the_cv_body(
    collected: dict[str, str], client: FlaskClient
) -> None:
    fragment = client.get("/cv/me?range=3m", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="cv-body">') and "<html" not in text
    # The theme switch in the header follows, so that it comes back to this range.
    assert 'id="theme-toggle"' in text and 'hx-swap-oob="true"' in text
    assert "next=/cv/me?range%3D3m" in text


def test_visitors_see_a_change_within_seconds_and_the_owner_at_once(
    collected: dict[str, str], local_user: LocalUser, app: Flask
) -> None:
    from app.storage.users import UserStore
    from app.web.profile_cache import VERSION_SECONDS, ProfileCache

    now = [0.0]
    cache = ProfileCache(clock=lambda: now[0])
    db = app.extensions["db"]
    _, before = cache.profile(db, "me")
    local_user.post("/settings/privacy", public="on", hidden_language="Go")
    assert cache.profile(db, "me")[1] == before  # a visitor, within the window
    owner = UserStore(db).get("local")
    assert cache.profile(db, "me", viewer=owner)[1] != before
    now[0] += VERSION_SECONDS + 1
    profile, after = cache.profile(db, "me")
    assert after != before and "Go" not in profile.summary.languages


def test_an_anonymous_visitor_gets_no_session_and_can_still_choose_the_dark_theme(
    collected: dict[str, str], app: Flask
) -> None:
    visitor = app.test_client()
    page = visitor.get("/cv/me")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    chosen = visitor.get("/theme/dark?next=/cv/me")
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/cv/me"
    assert 'data-theme="dark"' in visitor.get("/cv/me").get_data(as_text=True)


@pytest.mark.parametrize("target", [
    "//evil.example/", "/%09/evil.example", "/%0a/evil.example", "/%0d%0aX:1",
    "/%5Cevil.example", "https://evil.example/", "evil.example",
])
def test_choosing_a_theme_never_redirects_to_another_site(
    client: FlaskClient, target: str
) -> None:
    response = client.get(f"/theme/dark?next={target}")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_every_anonymous_cv_response_carries_its_own_script_nonce(
    collected: dict[str, str], app: Flask
) -> None:
    nonces = []
    for _ in range(2):
        response = app.test_client().get("/cv/me")
        nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
        page = response.get_data(as_text=True)
        assert page.count(f'nonce="{nonce}"') >= 3 and "nonce-placeholder" not in page
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_the_owner_gets_the_snippets_to_share_the_cv_and_visitors_do_not(
    collected: dict[str, str], client: FlaskClient, app: Flask
) -> None:
    page = client.get("/cv/me").get_data(as_text=True)
    assert "Share your CV" in page and "/card/me.svg" in page and "/embed/me?chart=" in page
    assert "Share your CV" not in app.test_client().get("/cv/me").get_data(as_text=True)
