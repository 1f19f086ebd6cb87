"""PAT401 fixes: a weak hash that security depends on becomes SHA-256 (unsafe: every digest made before changes)."""

import hashlib

from Crypto.Hash import MD5


def sign_request(api_secret, body):
    return hashlib.md5(api_secret.encode() + body).hexdigest()  # $ PAT401


def remember_me(user):
    user.remember_token = hashlib.sha1(str(user.id).encode()).hexdigest()  # $ PAT401


def webhook_digest(payload, shared_secret):
    return hashlib.new("md5", payload + shared_secret).hexdigest()  # $ PAT401


def pycryptodome(api_key):
    return MD5.new(api_key).hexdigest()  # $ PAT401


def etag(body):
    return hashlib.md5(body).hexdigest()  # ok: not a security use
