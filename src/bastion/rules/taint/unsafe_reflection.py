"""TNT107: untrusted input chooses which module-level function, class or variable the code looks up and uses."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class UnsafeReflection(TaintRule):
    """## What it does
    Finds untrusted input used as the name looked up in a module's namespace: `globals()[name]`,
    `globals().get(name)`, and the same on `locals()` and `vars()`.

    ## Why is this bad?
    The namespace of a views module holds every view, every imported function and class: a request that names one
    calls it, bypassing the routing and the access checks of the view it should have reached (an "unvalidated
    forward"), or reaches helpers never meant to be called from outside.

    ## Example
    ```python
    from django.shortcuts import render


    def forward(request):
        view = globals().get(request.GET.get("next"))
        if view:
            return view(request)
        return render(request, "home.html")
    ```

    ## Use instead
    ```python
    from django.shortcuts import render


    def profile(request):
        return render(request, "profile.html")


    FORWARDS = {"profile": profile}


    def forward(request):
        view = FORWARDS.get(request.GET.get("next"))
        if view:
            return view(request)
        return render(request, "home.html")
    ```
    Map the names a client may send to the functions they stand for, in a dictionary written for that purpose.

    ## References
    - [OWASP: Unvalidated Redirects and Forwards Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html)
    - [CWE-470: Use of Externally-Controlled Input to Select Classes or Code ('Unsafe Reflection')](https://cwe.mitre.org/data/definitions/470.html)
    """

    code = "TNT107"
    slug = "unsafe-reflection"
    summary = "untrusted input chooses a module-level function or class by name"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (470,)
    fix_hint = "map the allowed names to their functions in a dictionary written for the purpose"
    bandit = ()
    ruff = ()
    sink_concept = "DynamicLookup"
    effect = "selects a module-level function or class by name"
