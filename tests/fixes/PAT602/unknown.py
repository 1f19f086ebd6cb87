"""No fix: this module signs with two algorithms, or not at all."""

import jwt


def issue_short(user_id, secret):
    return jwt.encode({"sub": user_id}, secret, algorithm="HS256")


def issue_long(user_id, private_key):
    return jwt.encode({"sub": user_id}, private_key, algorithm="RS256")


def read(token, secret):
    return jwt.decode(token, secret)  # $ PAT602
