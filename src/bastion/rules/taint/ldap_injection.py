"""TNT105: untrusted input reaches an LDAP search filter."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class LdapInjection(TaintRule):
    """## What it does
    Finds untrusted input in the filter of an LDAP search (`ldap3` `Connection.search`, python-ldap `search_s` and
    friends).

    ## Why is this bad?
    `*)(uid=*))(|(uid=*` in a filter changes which entries match: an attacker lists every account or bypasses a
    login that checks a filter.

    ## Example
    ```python
    import ldap3
    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/user")
    def user():
        conn = ldap3.Connection(ldap3.Server("ldap://directory"))
        conn.search("dc=example,dc=org", "(uid=" + request.args["name"] + ")")
        return str(conn.entries)
    ```

    ## Use instead
    ```python
    import ldap3
    from ldap3.utils.conv import escape_filter_chars
    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/user")
    def user():
        conn = ldap3.Connection(ldap3.Server("ldap://directory"))
        conn.search("dc=example,dc=org", "(uid=" + escape_filter_chars(request.args["name"]) + ")")
        return str(conn.entries)
    ```

    ## References
    - [OWASP: LDAP Injection Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/LDAP_Injection_Prevention_Cheat_Sheet.html)
    - [CWE-90](https://cwe.mitre.org/data/definitions/90.html)
    """

    code = "TNT105"
    slug = "ldap-injection"
    summary = "untrusted input reaches an LDAP search filter"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (90,)
    fix_hint = "escape values with `ldap3.utils.conv.escape_filter_chars` (or `ldap.filter.filter_format`)"
    bandit = ()
    ruff = ()
    sink_concept = "LdapQuery"
    effect = "is parsed as an LDAP filter"
