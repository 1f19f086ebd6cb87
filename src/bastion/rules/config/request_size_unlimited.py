"""CFG306: uploads accepted with no request size limit."""

from __future__ import annotations

from bastion.concepts.web_checks import Verdict, check_request_size
from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import WebAppRule


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
