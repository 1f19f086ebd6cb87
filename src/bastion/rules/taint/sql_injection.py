"""TNT101: untrusted input reaches the SQL text of a query."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class SqlInjection(TaintRule):
    """## What it does
    Finds SQL text built from request data (or other untrusted input) that reaches a query: DB-API `execute`,
    `executemany` and `executescript`, SQLAlchemy `text()`, Django `raw()`, `extra()` and `RawSQL`, whether the
    input arrives directly or through helper functions in other modules.

    ## Why is this bad?
    Input pasted into SQL can end the string literal and add its own clauses: `' OR '1'='1` reads every row, `';
    DROP TABLE users; --` destroys data. Parameterised queries send the value separately from the SQL, so it is
    never parsed as SQL.

    ## Example
    ```python
    from flask import Flask, request
    import sqlite3

    app = Flask(__name__)


    @app.route("/books")
    def books():
        title = request.args["title"]
        conn = sqlite3.connect("books.db")
        return str(conn.execute("SELECT * FROM books WHERE title = '" + title + "'").fetchall())
    ```

    ## Use instead
    ```python
    from flask import Flask, request
    import sqlite3

    app = Flask(__name__)


    @app.route("/books")
    def books():
        title = request.args["title"]
        conn = sqlite3.connect("books.db")
        return str(conn.execute("SELECT * FROM books WHERE title = ?", (title,)).fetchall())
    ```

    ## References
    - [OWASP: SQL Injection Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html)
    - [CWE-89](https://cwe.mitre.org/data/definitions/89.html)
    """

    code = "TNT101"
    slug = "sql-injection"
    summary = "untrusted input reaches the SQL text of a query"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (89,)
    fix_hint = 'pass the input as a query parameter: `cursor.execute("... WHERE id = ?", (value,))`'
    bandit = ("B608",)
    ruff = ("S608",)
    sink_concept = "SqlExecution"
    effect = "is run as SQL"
