"""TNT101: untrusted input reaches the SQL text of a query."""

from __future__ import annotations

import ast

from bastion.core.fix import Applicability, Fix
from bastion.core.rule import FixAvailability
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import ProjectContext
from bastion.rules.taint._sql_parameters import call_at, driver_of, parameterised_call
from bastion.rules.taint.base import TaintRule
from bastion.taint.solver import TaintFinding


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

    ## Fix safety
    When the query text is built in the call (or in a variable assigned once just for it) with an f-string, `%`
    (`%s`, `%d`, `%(name)s`) or `+`, and every piece put in stands where SQL takes a value, the fix sends the
    pieces as parameters: `"... WHERE title LIKE ? AND year = ?", (f"%{title}%", year)`, with the placeholder of
    the driver the connection comes from (`?` sqlite3/pyodbc, `%s` psycopg/PyMySQL/MySQLdb/Django, `:1` Oracle;
    a literal `%` is doubled for the `%s` drivers). A piece inside a quoted SQL string makes the whole string one
    parameter. It is unsafe: the database now receives the value with its Python type (an `int` where the SQL
    text had the digits, a `str` where it had a quoted number), which can change comparisons and type errors; and
    a piece that held SQL on purpose (a list of ids already joined with commas) now arrives as one value. No fix
    for pieces that name a table or column, choose a sort order, sit in a comment or are glued to other text, for
    `.format()`, for `executemany`, or when the driver is not known.

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
    fix = FixAvailability.SOMETIMES
    fix_applicability = Applicability.UNSAFE
    bandit = ("B608",)
    ruff = ("S608",)
    sink_concept = "SqlExecution"
    effect = "is run as SQL"

    def sink_fix(self, project: ProjectContext, found: TaintFinding) -> Fix | None:
        module = project.python_module(found.path)
        located = call_at(module, found.line, found.column) if module is not None else None
        if module is None or located is None:
            return None
        call, scope = located
        if not (isinstance(call.func, ast.Attribute) and call.func.attr == "execute"):
            return None
        driver = driver_of(module, call, scope)
        return parameterised_call(module, call, scope, driver) if driver is not None else None
