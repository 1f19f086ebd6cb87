"""PAT602: JWT decoded without a fixed list of algorithms."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.fix import Applicability, Fix
from bastion.core.rule import FixAvailability
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._jwt import DECODE, JOSE_DECODE, JOSE_ENCODE, PYJWT_ENCODE, dict_value
from bastion.semantic.calls import argument, calls_with_owners, has_kwargs_splat, keyword

_HEADER_READERS = frozenset({"jwt.get_unverified_header", "jose.jwt.get_unverified_header"})


class JwtAlgorithmsMissing(AstRule):
    """## What it does
    Finds `jwt.decode` (PyJWT, python-jose) with verification on but no `algorithms` list, and `algorithms`
    taken from the token's own unverified header.

    ## Why is this bad?
    Which algorithm checks a token must be decided by the server, not by the token. Libraries that accept the
    token's `alg` allow algorithm confusion: a token signed with HS256 using the server's *public* RSA key as
    the HMAC secret passes as valid. PyJWT 2 refuses to decode without `algorithms`; python-jose and PyJWT 1
    accept any algorithm.

    ## Example
    ```python
    from jose import jwt


    def claims(token, key):
        return jwt.decode(token, key)
    ```

    ## Use instead
    ```python
    from jose import jwt


    def claims(token, key):
        return jwt.decode(token, key, algorithms=["RS256"])
    ```

    ## Fix safety
    When the module also makes tokens (`jwt.encode`) and every one of them names the same algorithm (or none:
    PyJWT and python-jose then use HS256), the fix passes that algorithm: `algorithms=["HS256"]`. It is safe when
    the decode checks the tokens with the very key they are made with (the same expression): those are the
    tokens this code issues, and they keep verifying. It is unsafe when the key differs, since the decoded tokens
    may come from another issuer that uses another algorithm. No fix when the module makes no token, or makes
    them with several or computed algorithms.

    ## References
    - [PyJWT: algorithms](https://pyjwt.readthedocs.io/en/stable/algorithms.html)
    - [Critical vulnerabilities in JSON Web Token libraries (algorithm confusion)](https://auth0.com/blog/critical-vulnerabilities-in-json-web-token-libraries/)
    - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    """

    code = "PAT602"
    slug = "jwt-algorithms-not-fixed"
    summary = "JWT decoded without a fixed `algorithms` list"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (327, 347)
    fix_hint = "pass algorithms=[...] listing the one algorithm your tokens use"
    fix = FixAvailability.SOMETIMES
    fix_applicability = Applicability.SAFE
    node_types = (ast.Call,)
    callees = DECODE

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        if dict_value(keyword(node, "options"), "verify_signature", ctx) is False:
            return  # PAT601 reports the worse problem
        verify = keyword(node, "verify")
        if verify is not None and ctx.constant(verify) is False:
            return
        algorithms = argument(node, 2, "algorithms")
        if algorithms is None:
            if has_kwargs_splat(node):
                return
            yield ctx.finding(
                self,
                node,
                f"`{name}` without algorithms=[...]: the token chooses how it is checked",
                fix=_algorithms_of_encode(node, ctx),
            )
            return
        for sub in ast.walk(algorithms):
            if isinstance(sub, ast.Call) and ctx.qualified_name(sub.func) in _HEADER_READERS:
                yield ctx.finding(
                    self,
                    node,
                    f"`{name}` takes its algorithms from the token's unverified header",
                    severity=Severity.HIGH,
                    confidence=Confidence.HIGH,
                )
                return


def _algorithms_of_encode(node: ast.Call, ctx: ModuleContext) -> Fix | None:
    """`algorithms=[...]` naming the one algorithm the module's own `encode` calls use, when there is one."""
    encoders = JOSE_ENCODE if ctx.call_name in JOSE_DECODE else PYJWT_ENCODE
    index = ctx.index
    encodes = [
        call
        for call, owner in calls_with_owners(ctx.module.tree)
        if index.qualified_name(call.func, index.scope_chain(owner)) in encoders
    ]
    algorithms = {_algorithm(call, ctx) for call in encodes}
    if len(algorithms) != 1:
        return None
    (algorithm,) = algorithms
    if not isinstance(algorithm, str):
        return None
    key = argument(node, 1, "key")
    same_key = key is not None and all(
        (encode_key := argument(call, 1, "key")) is not None and ast.dump(encode_key) == ast.dump(key)
        for call in encodes
    )
    edit = ctx.editor.add_keyword(node, f'algorithms=["{algorithm}"]')
    if edit is None:
        return None
    applicability = Applicability.SAFE if same_key else Applicability.UNSAFE
    return Fix(f"Accept only {algorithm}, the algorithm this module signs with", applicability, (edit,))


def _algorithm(encode: ast.Call, ctx: ModuleContext) -> object:
    given = argument(encode, 2, "algorithm")
    return "HS256" if given is None else ctx.constant(given)
