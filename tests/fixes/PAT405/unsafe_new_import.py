"""No hmac import yet: the fix adds one."""


def verify(user, digest):
    return user.password_hash == digest  # $ PAT405


def shadowed(hmac, signature, expected_signature):
    return signature == expected_signature  # $ PAT405
