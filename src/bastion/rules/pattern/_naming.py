"""What names say: the words of an identifier, and whether a name is about a password, a secret or access control.

Several PAT rules decide by naming (a `random` value assigned to `reset_token`, an MD5 of `password`, a logged
`api_key`). They share these word lists so that they agree on what a secret is. Words, not substrings: `bypass`
is not a password and `tokenizer` is not a token.
"""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator

from bastion.core import patterns

# `HTTPServer` is matched whole and split by `words`: a run of capitals gives its last one to the word after it.
_WORD = patterns.compile(r"[A-Z]+[a-z]+|[A-Z]+|[a-z]+|[0-9]+")

PASSWORD_WORDS = frozenset({"password", "passwords", "passwd", "pwd", "passphrase", "pw", "pass"})
# Words that make a name about a secret value on their own.
SECRET_WORDS = PASSWORD_WORDS | frozenset(
    {"secret", "secrets", "token", "tokens", "apikey", "credential", "credentials", "creds", "otp", "nonce"}
)
# `key` is a secret only next to one of these: `api_key`, `private_key`, `secret_key`, `signing_key`.
KEY_QUALIFIERS = frozenset({"api", "private", "secret", "signing", "encryption", "access", "auth", "session", "master"})
# Words that turn a secret-sounding name into metadata about the secret: `token_count`, `password_reset_url`.
METADATA_WORDS = frozenset(
    {
        "count", "len", "length", "num", "number", "type", "types", "kind", "name", "names", "field", "fields",
        "url", "uri", "path", "file", "policy", "expiry", "expires", "expiration", "ttl", "timeout", "required",
        "valid", "invalid", "enabled", "changed", "hint", "label", "prompt", "min", "max", "regex", "pattern",
        "format", "version", "index", "idx", "prefix", "suffix", "hash", "hashed", "digest", "mask", "masked",
        "redacted", "strength", "header", "id", "ids", "endpoint", "form", "view", "template", "class", "error",
        "errors", "message", "msg", "age", "limit", "attempts", "status", "placeholder", "widget",
    }
)  # fmt: skip


def words(identifier: str) -> list[str]:
    """`resetToken_v2` -> ['reset', 'token', 'v', '2']: lower-case words of a snake_case or camelCase name."""
    found: list[str] = []
    for word in _WORD.findall(identifier):
        capitals = len(word) - len(word.lstrip(string.ascii_uppercase))
        if 1 < capitals < len(word):
            found.extend((word[: capitals - 1].lower(), word[capitals - 1 :].lower()))
        else:
            found.append(word.lower())
    return found


# Words that make `tokens` a count of language-model tokens: `max_tokens`, `input_tokens`, `total_tokens`.
TOKEN_COUNT_WORDS = frozenset(
    {"input", "output", "total", "completion", "prompt", "cached", "reasoning", "used", "usage", "remaining", "llm"}
)


def is_token_count_name(identifier: str) -> bool:
    """`input_tokens`, `max_tokens`, `total_tokens`: a number of language-model tokens, not a credential."""
    parts = words(identifier)
    return "tokens" in parts and any(word in TOKEN_COUNT_WORDS or word in METADATA_WORDS for word in parts)


def is_password_name(identifier: str) -> bool:
    """A name that holds a password: `password`, `new_pwd`, `userPassphrase` (not `password_reset_url`)."""
    parts = words(identifier)
    return any(word in PASSWORD_WORDS for word in parts) and not any(word in METADATA_WORDS for word in parts)


def is_secret_name(identifier: str) -> bool:
    """A name that holds a secret value: `password`, `api_key`, `reset_token` (not `token_count`, `key`)."""
    parts = words(identifier)
    if not parts or any(word in METADATA_WORDS for word in parts) or is_token_count_name(identifier):
        return False
    if any(word in SECRET_WORDS for word in parts):
        return True
    return "key" in parts and any(word in KEY_QUALIFIERS for word in parts)


def expression_identifiers(expr: ast.AST) -> Iterator[str]:
    """The names an expression reads its value from, outermost first: `user.password.encode()` -> 'password',
    `request.form["password"]` -> 'password'. Calls contribute the object they are called on, not the callee,
    except for `str(x)`-like wrappers, which are looked through."""
    stack: list[ast.AST] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, ast.Attribute):
            yield node.attr
        elif isinstance(node, ast.Subscript):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                yield key.value
            else:
                stack.append(node.value)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                # `password.encode()`, `form.get("password")`: the receiver and a constant key both count.
                stack.append(func.value)
                if func.attr == "get" and node.args:
                    stack.append(ast.Subscript(value=func.value, slice=node.args[0]))
            stack.extend(node.args)
        elif isinstance(node, (ast.BinOp, ast.JoinedStr, ast.FormattedValue, ast.Tuple, ast.List)):
            stack.extend(ast.iter_child_nodes(node))
