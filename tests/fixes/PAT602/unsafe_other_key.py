"""The decode checks tokens with another key than the one this module signs with: they may come from another
issuer, with another algorithm (unsafe)."""

import jwt


def issue(user_id, secret):
    return jwt.encode({"sub": user_id}, secret)


def read_partner_token(token, partner_key):
    return jwt.decode(token, partner_key)  # $ PAT602
