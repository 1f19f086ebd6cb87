"""SEC103: a password inside a URL or a connection string."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.secrets.support import FIX_HINT, ShapeRule


class UrlCredentials(ShapeRule):
    """## What it does
    Finds passwords written into URLs (`postgres://user:password@host/db`, `https://user:token@git.example.com`,
    `redis://:password@cache`, `amqp://…`) and into connection strings (`Server=db;User Id=sa;Password=` followed
    by the unquoted password, which keyword scanners miss). Templated passwords (`${DB_PASSWORD}`, `%(password)s`) and
    placeholders (`user:password@`, `<password>`) are not reported; credentials for `localhost` are reported at
    low severity, and a default pair at medium: a password that repeats the user name (`app:app@db`), or is made
    of plain lowercase words that are the user name or stock defaults (`app:app-local@db`, `app:postgres@db`).
    Such a default on the local machine (a Makefile's migration target, a developer script), or in a compose file
    or `.env` (a quick-start stack), is held back like example code (`--include-tests` shows it, at info).

    ## Why is this bad?
    Connection URLs travel: into logs, error pages, process listings, crash reports and CI output. A password in
    one is a password in all of those, and in the repository's history.

    ## Example
    ```python
    from sqlalchemy import create_engine

    # Split in two only so that this documentation page does not trip secret scanners.
    engine = create_engine("postgresql://shop:" "Wq8Zp4Lm2Vx7@db.internal:5432/shop")
    ```

    ## Use instead
    ```python
    import os

    from sqlalchemy import create_engine

    engine = create_engine(os.environ["DATABASE_URL"])
    ```

    ## References
    - [OWASP Secrets Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html)
    - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    """

    code = "SEC103"
    slug = "credentials-in-url"
    summary = "a password inside a URL or a connection string"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (798,)
    fix_hint = FIX_HINT
    tags = ("secrets",)
