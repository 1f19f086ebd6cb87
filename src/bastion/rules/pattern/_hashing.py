"""Hash functions and the questions "is this hashing a password?" (PAT401, PAT402) and "does security depend on
this weak hash?" (PAT401)."""

from __future__ import annotations

import ast

from bastion.rules.base import ModuleContext
from bastion.rules.pattern._naming import expression_identifiers, is_password_name, is_secret_name, words
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


# Words that make a digest a security value, besides the secret words of `_naming`: `request_signature`, `mac`.
_SECURITY_DIGEST_WORDS = frozenset({"signature", "sig", "signed", "mac", "hmac", "csrf", "xsrf"})
# Words of a function whose digests serve security: `sign_request`, `verify_signature`, `make_token`.
_SECURITY_FUNCTION_WORDS = _SECURITY_DIGEST_WORDS | frozenset(
    {"sign", "verify", "token", "tokens", "secret", "otp", "totp", "hotp", "nonce", "apikey", "authenticate"}
)
_COMPARE_DIGEST = ("hmac.compare_digest", "secrets.compare_digest")
# What a digest passes through on its way to where it is kept: `md5(x).hexdigest()[:8].upper()`.
_DIGEST_WRAPPERS = (ast.Attribute, ast.Call, ast.Subscript, ast.JoinedStr, ast.FormattedValue, ast.BinOp)


def weak_hash_use(node: ast.Call, name: str, ctx: ModuleContext) -> str | None:
    """Why a weak hash matters here ("of a secret (`api_key`)", "used as `reset_token`"), or None when nothing says
    security depends on it. Decided by what is hashed (the data, the `.update()`s of the hash object, one local
    assignment back) and by where the digest goes (the name it is kept, returned or passed as)."""
    function = _enclosing_function(ctx)
    for identifier in _hashed_identifiers(node, name, function, ctx):
        if is_secret_name(identifier):
            return f"of a secret (`{identifier}`)"
    destination = _digest_destination(ctx)
    if destination is not None:
        return destination
    if function is not None and _SECURITY_FUNCTION_WORDS.intersection(words(function.name)):
        return f"in `{function.name}`, which signs, verifies or makes tokens"
    return None


def _enclosing_function(ctx: ModuleContext) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for ancestor in reversed(ctx.ancestors):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return ancestor
    return None


def _hashed_identifiers(
    node: ast.Call, name: str, function: ast.FunctionDef | ast.AsyncFunctionDef | None, ctx: ModuleContext
) -> list[str]:
    data: list[ast.expr] = []
    direct = hashed_data(node, name)
    if direct is not None:
        data.append(direct)
    holder = _assigned_name(ctx)
    if function is not None and holder is not None:
        # `h = hashlib.md5(); h.update(secret)`: the updates are what is hashed.
        for call in ast.walk(function):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "update"
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id == holder
                and call.args
            ):
                data.append(call.args[0])
    identifiers = [identifier for expr in data for identifier in expression_identifiers(expr)]
    if function is None:
        return identifiers
    # One local assignment back: `material = api_key + nonce; md5(material.encode())`.
    locals_read = {identifier for expr in data for identifier in _names(expr)}
    for statement in ast.walk(function):
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id in locals_read for target in statement.targets
        ):
            identifiers.extend(expression_identifiers(statement.value))
    return identifiers


def _names(expr: ast.expr) -> set[str]:
    return {node.id for node in ast.walk(expr) if isinstance(node, ast.Name)}


def _assigned_name(ctx: ModuleContext) -> str | None:
    parent = ctx.parent
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        return parent.targets[0].id
    return None


def _digest_destination(ctx: ModuleContext) -> str | None:
    """Where the digest goes, when that place names a security value."""
    chain = ctx.ancestors[:-1]
    for position in range(len(chain) - 1, -1, -1):
        holder = chain[position]
        if isinstance(holder, _DIGEST_WRAPPERS) and not _is_compare_digest(holder, ctx):
            continue
        if _is_compare_digest(holder, ctx):
            return "checked with `hmac.compare_digest`"
        for identifier in _destination_names(holder, chain[position + 1] if position + 1 < len(chain) else None):
            if is_secret_name(identifier) or _SECURITY_DIGEST_WORDS.intersection(words(identifier)):
                return f"kept as `{identifier}`"
        return None
    return None


def _is_compare_digest(node: ast.AST, ctx: ModuleContext) -> bool:
    return isinstance(node, ast.Call) and ctx.qualified_name(node.func) in _COMPARE_DIGEST


def _destination_names(holder: ast.AST, child: ast.AST | None) -> list[str]:
    if isinstance(holder, ast.Assign):
        return [identifier for target in holder.targets for identifier in _target_names(target)]
    if isinstance(holder, (ast.AnnAssign, ast.AugAssign)):
        return _target_names(holder.target)
    if isinstance(holder, ast.keyword) and holder.arg is not None:
        return [holder.arg]
    if isinstance(holder, ast.Dict) and child is not None:
        for key, value in zip(holder.keys, holder.values, strict=True):
            if value is child and isinstance(key, ast.Constant) and isinstance(key.value, str):
                return [key.value]
    return []


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Attribute):
        return [target.attr]
    if isinstance(target, ast.Subscript):
        key = target.slice
        return [key.value] if isinstance(key, ast.Constant) and isinstance(key.value, str) else []
    if isinstance(target, (ast.Tuple, ast.List)):
        return [identifier for element in target.elts for identifier in _target_names(element)]
    return []
