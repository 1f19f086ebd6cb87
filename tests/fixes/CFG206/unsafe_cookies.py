"""CFG206 fixes: the missing cookie flags are set (unsafe: plain-HTTP sites and scripts lose the cookie)."""

from flask import Flask, make_response

app = Flask(__name__)


@app.route("/login")
def login():
    response = make_response("ok")
    response.set_cookie("session_token", "abc")  # $ CFG206
    response.set_cookie("theme", "dark", secure=False, samesite=None)  # $ CFG206
    response.set_cookie("csrf_token", "xyz", secure=True)  # $ CFG206
    response.set_cookie("remember", "1", secure=True, httponly=True, samesite="Strict")  # ok
    return response


SECURE_COOKIES = False


@app.route("/prefs")
def prefs():
    response = make_response("ok")
    # Off through a setting: whoever wrote it decides, not the fix.
    response.set_cookie("lang", "en", secure=SECURE_COOKIES, httponly=True, samesite="Lax")  # $ CFG206
    return response
