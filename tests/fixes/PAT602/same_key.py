"""PAT602 fixes: the module signs with HS256 and the same key, so its decode accepts HS256 only."""

import jwt

from app import settings


def issue(user_id):
    return jwt.encode({"sub": user_id}, settings.JWT_SECRET, algorithm="HS256")


def read(token):
    return jwt.decode(token, settings.JWT_SECRET)  # $ PAT602


def read_with_options(token):
    return jwt.decode(token, settings.JWT_SECRET, options={"require": ["exp"]})  # $ PAT602
