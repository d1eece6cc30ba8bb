"""Login, tokens, sessions and the signing keys."""
from kabinet_kit.openapi import Blueprint

from .. import auth
from . import examples as ex
from . import schemas as s
from .common import caller, client_key, db, deps, session_id

blp = Blueprint("auth", __name__, description="Login, tokens, sessions and the signing keys")


@blp.post("/auth/token")
@blp.arguments(s.TokenRequest, example=ex.TOKEN)
@blp.response(200, s.TokenResponse)
@blp.doc(security=[])
def token(body):
    """Log in with login and password. Failures say nothing about which part was wrong; wrong
    passwords are throttled per login and client address."""
    return auth.login(deps(), db(), body["login"], body["password"], client_key())


@blp.post("/auth/refresh")
@blp.arguments(s.RefreshRequest, example=ex.REFRESH)
@blp.response(200, s.TokenResponse)
@blp.doc(security=[])
def refresh(body):
    """Exchange a refresh token for new tokens; the old refresh token stops working."""
    return auth.refresh(deps(), db(), body["refresh_token"])


@blp.post("/auth/logout")
@blp.response(204)
def logout():
    """End the current session: its access and refresh tokens stop being accepted."""
    who = caller()
    auth.logout(deps(), db(), who, session_id())


@blp.post("/auth/password")
@blp.arguments(s.PasswordChange, example=ex.PASSWORD)
@blp.response(204)
def change_password(body):
    """Change the password; every session of the account ends."""
    auth.change_password(deps(), db(), caller(), body["current_password"], body["new_password"])


@blp.get("/.well-known/jwks.json")
@blp.response(200, s.Jwks)
@blp.doc(security=[])
def jwks():
    """Public keys that verify access tokens (RS256)."""
    return deps().keys.jwks(), 200, {"Cache-Control": "public, max-age=300"}


@blp.get("/me")
@blp.response(200, s.MeResponse)
def me():
    """The caller's account, role assignments with scopes and, for a guardian, the children."""
    return auth.me(db(), caller())
