"""SEC301: a secret-holding file (`.env`, private key, cloud credentials) tracked by git or not ignored."""

from __future__ import annotations

from collections.abc import Iterator

from bastion.core.finding import Finding, Location
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import ProjectContext, ProjectRule
from bastion.secrets.hygiene import hygiene_problems


class SensitiveFileExposed(ProjectRule):
    """## What it does
    Finds files that hold secrets by their nature — `.env` and `.env.*` files that set a secret-like variable
    (`DB_PASSWORD=…`, not `COMPOSE_PROJECT_NAME=shop`; not `.env.example`, `template.env` and other templates, nor
    Flask's `.flaskenv` of public settings), SSH keys (`id_rsa`, `id_ed25519` …), `.pem`/`.key` files that contain a
    private key (not certificates), key stores (`.p12`, `.pfx`, `.jks`), `credentials.json`, service-account JSON
    files, `.pypirc`, `.netrc`, `.pgpass` — that git tracks, or that no `.gitignore` covers so that the next `git
    add .` commits them. In a git work tree git answers (`git ls-files`, `git check-ignore`); elsewhere the
    `.gitignore` files are read. A tracked file is reported even if `.gitignore` now lists it: ignoring does not
    untrack.

    ## Why is this bad?
    These files exist to keep secrets out of the code. Committed, they put every secret they hold into every
    clone and into history, where deleting the file later does not remove it.

    ## Example
    ```dotenv
    DATABASE_URL_HOST=db.internal
    DATABASE_PASSWORD=pass-from-the-ops-wiki
    ```

    ## Use instead
    ```text file=.gitignore
    .env
    ```

    ```dotenv
    DATABASE_URL_HOST=db.internal
    DATABASE_PASSWORD=pass-from-the-ops-wiki
    ```

    If the file was committed: `git rm --cached .env`, add it to `.gitignore`, rotate what it held, and purge
    it from history (`git filter-repo --path .env --invert-paths`).

    ## References
    - [GitHub Docs: ignoring files](https://docs.github.com/en/get-started/getting-started-with-git/ignoring-files)
    - [GitHub Docs: removing sensitive data from a repository](https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/removing-sensitive-data-from-a-repository)
    - [CWE-538: Insertion of Sensitive Information into Externally-Accessible File or Directory](https://cwe.mitre.org/data/definitions/538.html)
    """

    code = "SEC301"
    slug = "sensitive-file-exposed"
    summary = "a secret-holding file (.env, private key, credentials) tracked by git or not in .gitignore"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (538,)
    fix_hint = (
        "git rm --cached the file, add it to .gitignore, rotate what it held and purge it from history if committed"
    )
    tags = ("secrets", "hygiene")

    def check_project(self, project: ProjectContext) -> Iterator[Finding]:
        for problem in hygiene_problems(
            project.root, [file.rel for file in project.files], project.config.all_excludes
        ):
            if not project.in_scope(problem.rel):
                continue
            if problem.tracked:
                message = (
                    f"{problem.what.capitalize()} `{problem.rel}` is tracked by git: everything in it is in every "
                    "clone and in history. Untrack it (git rm --cached), add it to .gitignore, rotate what it "
                    "holds, and purge it from history."
                )
                severity = Severity.HIGH
            else:
                message = (
                    f"{problem.what.capitalize()} `{problem.rel}` is not covered by .gitignore: the next "
                    "`git add .` commits it. Add it to .gitignore."
                )
                severity = Severity.MEDIUM
            yield project.finding(self, Location(problem.rel, 1), message, severity=severity, context=problem.rel)
