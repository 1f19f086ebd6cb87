"""PAT405 fixes: constant-time comparison (unsafe: compare_digest raises where == said False)."""

import hashlib
import hmac as mac
import os

from flask import request

API_KEY = os.environ["API_KEY"]


def check_signature(body, signature, secret):
    expected = mac.new(secret, body, hashlib.sha256).hexdigest()
    return expected == signature  # $ PAT405


def reject_bad_token(stored_token):
    if request.headers.get("X-Token") != stored_token:  # $ PAT405
        return "forbidden", 403
    return None


def check_password_length(password):
    return len(password) == 12  # ok
