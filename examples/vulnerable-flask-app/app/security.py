"""Password hashing and tokens."""

import hashlib
import random
import string

import jwt

from app import settings


def hash_password(password):
    return hashlib.md5(password.encode()).hexdigest()


def check_password(password, stored):
    return hash_password(password) == stored


def reset_token():
    return "".join(random.choice(string.ascii_letters) for _ in range(32))


def read_token(token):
    return jwt.decode(token, options={"verify_signature": False})


def issue_token(user_id):
    return jwt.encode({"sub": user_id}, settings.JWT_SECRET, algorithm="HS256")
