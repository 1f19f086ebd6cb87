"""Password hashing and tokens."""

import secrets
from datetime import datetime, timedelta, timezone

import jwt
from werkzeug.security import check_password_hash, generate_password_hash

from app import settings

TOKEN_LIFETIME = timedelta(minutes=15)


def hash_password(password):
    return generate_password_hash(password)  # scrypt, salted


def check_password(password, stored):
    return check_password_hash(stored, password)  # constant-time comparison


def reset_token():
    return secrets.token_urlsafe(32)


def read_token(token):
    return jwt.decode(token, settings.JWT_SECRET, algorithms=["HS256"], options={"require": ["exp", "sub"]})


def issue_token(user_id):
    now = datetime.now(timezone.utc)
    claims = {"sub": str(user_id), "iat": now, "exp": now + TOKEN_LIFETIME}
    return jwt.encode(claims, settings.JWT_SECRET, algorithm="HS256")
