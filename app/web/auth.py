"""Who is signed in. Local mode has one local user; GitHub sign-in comes with OAuth.

Local sign-in needs two things: the server was started on a loopback address
(`commitstats serve` sets LOCAL_SIGNIN only then) and the request itself comes
from loopback, so a misconfigured public deployment still refuses it.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from app.storage.database import get_db
from app.storage.users import User, UserStore

blueprint = Blueprint("auth", __name__)

LOCAL_USER_ID = "local"


def is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})


def local_signin_allowed() -> bool:
    """Local mode, a loopback client, and a loopback Host header: the last stops a
    web page elsewhere from reaching this server by DNS rebinding."""
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    return (bool(current_app.config["LOCAL_SIGNIN"]) and is_loopback(request.remote_addr)
            and host.lower() in _LOOPBACK_NAMES)


def sign_in(user: User) -> None:
    # A fresh session at sign-in, so a session id planted before cannot be reused.
    session.clear()
    session["user_id"] = user.id


@blueprint.before_app_request
def load_user() -> None:
    user_id = session.get("user_id")
    g.user = UserStore(get_db()).get(user_id) if user_id else None


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.user is None:
            target = url_for("auth.sign_in_page", next=request.path)
            if request.headers.get("HX-Request"):
                # A fragment request must not swap a whole sign-in page into
                # the list: htmx follows this header with a full navigation.
                return Response(status=204, headers={"HX-Redirect": target})
            return redirect(target)
        return view(*args, **kwargs)

    return wrapped


@blueprint.get("/sign-in")
def sign_in_page() -> str:
    return render_template("sign_in.html", local_allowed=local_signin_allowed(),
                           github_enabled=bool(current_app.config.get("GITHUB_OAUTH_CLIENT_ID")))


@blueprint.post("/sign-in/local")
def sign_in_local() -> Any:
    if not local_signin_allowed():
        abort(403, description="Local sign-in is only available on a server started with "
                               "`commitstats serve` on a loopback address.")
    username = current_app.config["LOCAL_USERNAME"]
    user = UserStore(get_db()).ensure(LOCAL_USER_ID, username, username)
    sign_in(user)
    return redirect(url_for("repositories.index"))


@blueprint.post("/sign-out")
def sign_out() -> Any:
    session.clear()
    return redirect(url_for("pages.home"))
