"""TNT701: a predictable `random` value becomes a cookie, a session value, or a code or link sent to a user."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class PredictableRandomValue(TaintRule):
    """## What it does
    Follows values of the `random` module (`random.random`, `randint`, `randrange`, `choice`, `choices`,
    `sample`, `getrandbits`, `randbytes`, `uniform`, … and the same methods of a `random.Random()`) through
    assignments, string building and project functions, and reports those that reach a place where a value must
    be unguessable: a cookie (`response.set_cookie(name, value)`), the session (`session[...] = value`,
    `request.session[...] = value`), a message sent by email (Django `send_mail`/`EmailMessage`, Flask-Mail
    `Message`, `smtplib`'s `sendmail`), or a URL built with it (`url_for(..., token=value)`, Django `reverse`).
    Whatever the value is called. Values that stay inside the program (a shuffled list, jitter before a retry,
    a sample) are not reported; nor are values passed through a hash.

    ## Why is this bad?
    `random` is a Mersenne Twister: after 624 outputs its state, and so every value it gave or will give, can be
    computed. A login code, a password-reset link, a "remember me" cookie or a CSRF value drawn from it can be
    predicted by anyone who has seen others, and then used to take over an account.

    ## Example
    ```python
    import random

    from django.core.mail import send_mail


    def send_login_code(request, user):
        code = str(random.randint(100000, 999999))
        request.session["login_code"] = code
        send_mail("Your login code", f"Enter {code} to sign in.", None, [user.email])
    ```

    ## Use instead
    ```python
    import secrets

    from django.core.mail import send_mail


    def send_login_code(request, user):
        code = str(secrets.randbelow(900000) + 100000)
        request.session["login_code"] = code
        send_mail("Your login code", f"Enter {code} to sign in.", None, [user.email])
    ```
    `secrets.token_urlsafe`, `secrets.token_hex` and `secrets.choice` cover the other cases.

    ## References
    - [Python docs: secrets](https://docs.python.org/3/library/secrets.html)
    - [CWE-330: Use of Insufficiently Random Values](https://cwe.mitre.org/data/definitions/330.html)
    - [CWE-338: Use of Cryptographically Weak PRNG](https://cwe.mitre.org/data/definitions/338.html)
    """

    code = "TNT701"
    slug = "predictable-random-value"
    summary = "a `random` value becomes a cookie, a session value, or a code or link sent to a user"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (330, 338)
    fix_hint = "draw the value from the secrets module (secrets.token_urlsafe, secrets.randbelow, secrets.choice)"
    # bandit and ruff report every `random` call: their suppressions on the line apply here too.
    bandit = ("B311",)
    ruff = ("S311",)
    # PAT406 reports a `random` call by the name its value gets; on the same line this rule says where it goes.
    supersedes = ("PAT406",)
    sink_concept = "UnguessableValue"
    effect = "must be unguessable"
