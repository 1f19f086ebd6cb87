"""CFG101: debug mode on in production settings."""

from __future__ import annotations

from bastion.concepts.webapp import ProjectModel
from bastion.concepts.webfacts import ValueSource
from bastion.core.fix import Applicability, Fix
from bastion.core.rule import FixAvailability
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import ProjectContext
from bastion.rules.config.web_rule import (
    Problem,
    Verdict,
    WebAppRule,
    opaque_note,
    production_configs,
    setting_fix,
    truthy,
    where,
)


class DebugEnabled(WebAppRule):
    """## What it does
    Finds `DEBUG = True` in the settings a production deployment uses: a Django settings module (followed through
    split settings and star imports, skipping `dev`/`local`/`test` profiles) or the settings a single-file Django app
    gives `settings.configure(...)`, a Flask config module or class loaded
    with `app.config.from_object`, `app.config["DEBUG"] = True`, `app.debug = True`, and `FastAPI(debug=True)` or
    `Starlette(debug=True)`. A value read from the environment is reported when its default is on.

    ## Why is this bad?
    In debug mode Django answers errors with a page of settings, environment, SQL and source; Flask (Werkzeug)
    serves an interactive debugger that runs Python typed in the browser; Starlette returns tracebacks. Any visitor
    who triggers an error reads secrets, or runs code.

    ## Example
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    DEBUG = True
    ```

    ## Use instead
    ```python file=settings.py
    import os

    INSTALLED_APPS = ["django.contrib.auth"]
    DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
    ```

    ## Fix safety
    Where the production settings write the switch as a literal (`DEBUG = True`, `app.config["DEBUG"] = True`,
    `app.debug = True`, `FastAPI(debug=True)`), the fix writes `False`. It is unsafe: a development setup that
    reads these same settings loses the debugger and the detailed error pages; give development its own settings,
    or read `DEBUG` from the environment with a default of off. No fix when the value comes from the environment
    or is computed.

    ## References
    - [Django: DEBUG](https://docs.djangoproject.com/en/stable/ref/settings/#debug)
    - [Flask: Debug mode](https://flask.palletsprojects.com/en/stable/debugging/)
    - [CWE-489: Active Debug Code](https://cwe.mitre.org/data/definitions/489.html)
    """

    code = "CFG101"
    slug = "debug-enabled"
    summary = "Debug mode on in production settings"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (489, 215)
    fix_hint = "turn DEBUG off in production settings; read it from the environment with a default of off"
    tags = ("config", "debug")
    fix = FixAvailability.SOMETIMES
    fix_applicability = Applicability.UNSAFE

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_debug(model)

    def problem_fix(self, project: ProjectContext, problem: Problem) -> Fix | None:
        return setting_fix(project, problem.site, {"DEBUG": "False"}, "Turn debug mode off: `False`")


def check_debug(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps:
        for config in production_configs(app):
            setting = config.get("DEBUG")
            if setting is None:
                if app.config_is_opaque:
                    verdict.unknown.append(f"DEBUG: {opaque_note(app)}; check it is off where the app runs")
                else:
                    verdict.good(app.site, f"DEBUG not set for {app.label}: {app.framework} defaults to off")
                continue
            if setting.source is ValueSource.LITERAL:
                if truthy(setting.value):
                    verdict.problem(setting.site, f"debug mode is on in the production settings ({config.label})")
                else:
                    verdict.good(setting.site, "DEBUG is off")
            elif setting.has_env_default and truthy(setting.env_default):
                verdict.problem(
                    setting.site,
                    "debug mode is on unless the environment turns it off (the default is True)",
                    confidence=Confidence.MEDIUM,
                )
            elif setting.has_env_default:
                verdict.good(setting.site, "DEBUG comes from the environment and defaults to off")
            else:
                verdict.unknown.append(f"DEBUG is read from the environment at {where(setting)}: check its value")
    return verdict
