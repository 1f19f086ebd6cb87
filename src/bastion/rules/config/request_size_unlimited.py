"""CFG306: uploads accepted with no request size limit."""

from __future__ import annotations

from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import Verdict, WebAppRule, opaque_note, production_configs


class RequestSizeUnlimited(WebAppRule):
    """## What it does
    Finds Flask apps that accept uploads (`request.files`) without `MAX_CONTENT_LENGTH`, and Django settings that
    switch the request limits off (`DATA_UPLOAD_MAX_MEMORY_SIZE`, `DATA_UPLOAD_MAX_NUMBER_FIELDS` or
    `DATA_UPLOAD_MAX_NUMBER_FILES` set to `None`).

    ## Why is this bad?
    Without a limit one client sends a body of gigabytes: the worker reads it into memory or onto the disk until
    the server falls over (denial of service).

    ## Example
    ```python file=app.py
    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/avatar", methods=["POST"])
    def avatar():
        return str(len(request.files["image"].read()))
    ```

    ## Use instead
    ```python file=app.py
    from flask import Flask, request

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024


    @app.route("/avatar", methods=["POST"])
    def avatar():
        return str(len(request.files["image"].read()))
    ```

    ## References
    - [Flask: MAX_CONTENT_LENGTH](https://flask.palletsprojects.com/en/stable/config/#MAX_CONTENT_LENGTH)
    - [Django: DATA_UPLOAD_MAX_MEMORY_SIZE](https://docs.djangoproject.com/en/stable/ref/settings/#data-upload-max-memory-size)
    - [CWE-770: Allocation of Resources Without Limits or Throttling](https://cwe.mitre.org/data/definitions/770.html)
    """

    code = "CFG306"
    slug = "request-size-unlimited"
    summary = "Uploads accepted with no request size limit"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (770, 400)
    fix_hint = "set MAX_CONTENT_LENGTH (Flask) or keep Django's DATA_UPLOAD_* limits"
    tags = ("config", "uploads")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_request_size(model)


def check_request_size(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps:
        uploads = [context.route for context in app.routes if context.route.reads_files]
        if app.framework == "flask":
            if not uploads:
                continue
            for config in production_configs(app):
                setting = config.get("MAX_CONTENT_LENGTH")
                if setting is None:
                    if app.config_is_opaque:
                        verdict.unknown.append(f"MAX_CONTENT_LENGTH: {opaque_note(app)}")
                    else:
                        verdict.problem(
                            app.site,
                            f"{app.label} accepts uploads (`{uploads[0].name}`) and sets no MAX_CONTENT_LENGTH: "
                            "request bodies of any size are read",
                        )
                elif setting.known and setting.value is None:
                    verdict.problem(setting.site, "MAX_CONTENT_LENGTH = None: request bodies of any size are read")
                else:
                    verdict.good(setting.site, "MAX_CONTENT_LENGTH limits request bodies")
        elif app.framework == "django":
            for config in production_configs(app):
                problem = False
                for name in (
                    "DATA_UPLOAD_MAX_MEMORY_SIZE",
                    "DATA_UPLOAD_MAX_NUMBER_FIELDS",
                    "DATA_UPLOAD_MAX_NUMBER_FILES",
                ):
                    setting = config.get(name)
                    if setting is not None and setting.known and setting.value is None:
                        problem = True
                        verdict.problem(setting.site, f"{name} = None removes Django's request limit")
                if not problem:
                    setting = config.get("DATA_UPLOAD_MAX_MEMORY_SIZE")
                    verdict.good(setting.site if setting else app.site, "Django's request body limits are on")
                if uploads:
                    verdict.unknown.append(
                        "Django does not limit the size of uploaded files: check the web server's body limit "
                        "(nginx client_max_body_size) or a size check in the upload views"
                    )
        elif uploads:
            verdict.unknown.append(
                f"{app.label} ({app.path}) accepts uploads and {app.framework} sets no body limit: check the "
                "server's limit or a size check in the handler"
            )
    return verdict
