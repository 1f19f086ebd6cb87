"""PAT401 fixes: hashes that protect nothing say so (unsafe: only a reader knows they protect nothing)."""

import hashlib

from Crypto.Hash import MD5


def cache_key(url):
    return hashlib.md5(url.encode()).hexdigest()  # $ PAT401


def etag(body):
    return hashlib.sha1(body).hexdigest()  # $ PAT401


def legacy_digest(data):
    return hashlib.new("md5", data).hexdigest()  # $ PAT401


def bucket(name, options):
    return hashlib.md5(name.encode(), **options).digest()  # $ PAT401


def pycryptodome(data):
    return MD5.new(data).hexdigest()  # $ PAT401


def declared(data):
    return hashlib.md5(data, usedforsecurity=False).hexdigest()  # ok
