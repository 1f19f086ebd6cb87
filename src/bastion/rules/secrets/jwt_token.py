"""SEC104: a JSON Web Token written into the source."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.secrets.support import FIX_HINT, ShapeRule


class JwtToken(ShapeRule):
    """## What it does
    Finds JSON Web Tokens (`eyJ….eyJ….…`) in the source. A candidate must decode: its header and payload must be
    base64url JSON objects and the header must name an `alg`, so random text of the same shape is not reported.
    A token whose `exp` is in the past is reported at low severity.

    ## Why is this bad?
    A signed token is a bearer credential: whoever holds it is the user or service it names until it expires,
    and long-lived service tokens often never do. Test tokens copied from a real environment are real tokens.

    ## Example
    ```python
    import requests

    # Split in pieces only so that this documentation page does not trip secret scanners.
    SERVICE_TOKEN = (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
        "eyJzdWIiOiI0MiIsInJvbGUiOiJhZG1pbiIsImV4cCI6NDEwMjQ0NDgwMH0."
        "q3Xr0b9Yk2LmZp7Vw4Ns8Tt1Hc6Jd5Fg0Ae2Bu9Kx3M"
    )
    requests.get("https://api.example.com/orders", headers={"Authorization": f"Bearer {SERVICE_TOKEN}"})
    ```

    ## Use instead
    ```python
    import os

    import requests

    requests.get("https://api.example.com/orders", headers={"Authorization": f"Bearer {os.environ['SERVICE_TOKEN']}"})
    ```

    ## References
    - [RFC 7519: JSON Web Token](https://www.rfc-editor.org/rfc/rfc7519)
    - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    """

    code = "SEC104"
    slug = "hardcoded-jwt"
    summary = "a JSON Web Token (a bearer credential) in the source"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (798,)
    fix_hint = FIX_HINT
    tags = ("secrets",)
