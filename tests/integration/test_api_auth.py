from app.extensions import db
from tests.conftest import make_user


def test_a_bearer_token_authenticates_me(client, auth):
    headers = auth.token("agent", "vsgp")
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == "agent-vsgp@example.org"
    assert body["roles"] == ["agent"]
    assert body["organisation"] == {"code": "vsgp", "name": "Vallée Sud – Grand Paris"}


def test_me_without_a_token_is_401_json(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert "auth" in response.get_json()["errors"]


def test_a_bogus_or_malformed_token_is_401(client):
    for header in ("Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer", "garbage"):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.get_json()["errors"]["auth"]


def test_a_disabled_accounts_token_stops_working(client, auth):
    user = make_user("moderator")
    headers = auth.token(user=user)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_the_session_cookie_alone_gives_no_authority_over_the_api(client, auth):
    auth.login("admin")
    assert client.get("/api/v1/me").status_code == 401


def test_only_the_digest_of_a_token_is_stored(auth):
    from app.auth.models import ApiToken

    raw = auth.token("committee")["Authorization"].removeprefix("Bearer ")
    digests = [token.digest for token in db.session.query(ApiToken)]
    assert raw not in digests and len(digests[0]) == 64
