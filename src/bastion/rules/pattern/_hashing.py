"""Hash functions and the question "is this hashing a password?", shared by PAT401 and PAT402."""

from __future__ import annotations

import ast

from bastion.rules.base import ModuleContext
from bastion.rules.pattern._naming import expression_identifiers, is_password_name, words
from bastion.semantic.calls import argument

WEAK_HASHLIB = ("md5", "sha1", "md4", "md2", "sha")
FAST_HASHLIB = (
    *WEAK_HASHLIB,
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "sha3_224",
    "sha3_256",
    "sha3_384",
    "sha3_512",
    "blake2b",
    "blake2s",
)
HASHLIB_CONSTRUCTORS = frozenset(f"hashlib.{name}" for name in FAST_HASHLIB) | {"hashlib.new"}
HASHLIB_UPDATES = frozenset(f"{name}().update" for name in HASHLIB_CONSTRUCTORS)
# A function named like this hashes or checks a password: `hash_password`, `set_password`, `check_pwd`.
_PASSWORD_ACTIONS = frozenset(
    {"hash", "set", "check", "verify", "make", "encode", "encrypt", "store", "create", "validate", "compare", "digest"}
)


def hashed_data(node: ast.Call, name: str) -> ast.expr | None:
    """The data a hashlib call hashes: `md5(data)`, `new("md5", data)`, `h.update(data)`."""
    if name == "hashlib.new":
        return argument(node, 1, "data")
    if name.endswith(".update"):
        return argument(node, 0)
    return argument(node, 0, "string") or argument(node, 0, "data")


def hashes_password(node: ast.Call, name: str, ctx: ModuleContext) -> bool:
    """The call hashes something named like a password, or sits in a function that hashes/checks passwords."""
    data = hashed_data(node, name)
    if data is not None and any(is_password_name(identifier) for identifier in expression_identifiers(data)):
        return True
    function_words = words(ctx.scope.function_name)
    return any(word in ("password", "passwd", "pwd", "passphrase") for word in function_words) and any(
        word in _PASSWORD_ACTIONS for word in function_words
    )
