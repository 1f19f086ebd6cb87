"""`bastion checklist`: the pre-deployment security checklist, answered from one full scan.

Each item is data (`ITEMS`): which findings make it FAIL (by CWE, family or code, so that every family's rules
count, whatever their codes), which configuration checks give PASS evidence, and how to check it by hand. An item
is:
- FAIL when an active finding matches it (the findings are listed);
- UNKNOWN when something matching it was suppressed or baselined, a rule covering it crashed or could not run
  (an unreachable advisory service), part of the configuration is only known at run time, or nothing in the code
  answers it (the reasons and a way to verify by hand are listed);
- PASS when the code shows it is done (the setting, middleware or decorator, with its file and line), or, for
  items about the absence of a mistake (SQL injection, shell injection, secrets in code), when the rules that find
  that mistake ran over the code and found nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bastion.concepts.deploy import DeployFile
from bastion.concepts.webapp import ProjectModel, build_model
from bastion.concepts.webfacts import Site
from bastion.core.finding import Finding
from bastion.core.notice import NoticeKind
from bastion.core.result import ScanResult
from bastion.core.rule import Rule, get_rule
from bastion.report.checklist_model import Checklist, ChecklistEvidence, ChecklistItem, ItemStatus
from bastion.rules.config.allowed_hosts_wildcard import check_allowed_hosts
from bastion.rules.config.collectors import DeployFactsCollector, WebFactsCollector
from bastion.rules.config.cors_wildcard_credentials import check_cors
from bastion.rules.config.csrf_protection_missing import check_csrf
from bastion.rules.config.debug_enabled import check_debug
from bastion.rules.config.debug_propagate_exceptions import check_propagate_exceptions
from bastion.rules.config.destructive_route_without_authorization import check_destructive_routes
from bastion.rules.config.django_security_middleware_missing import check_django_middleware
from bastion.rules.config.hardcoded_secret_key import check_secret_key
from bastion.rules.config.hsts_missing import check_hsts
from bastion.rules.config.https_redirect_missing import check_https_redirect
from bastion.rules.config.insecure_session_cookie import check_session_cookies
from bastion.rules.config.login_failure_not_logged import check_login_failure_logging
from bastion.rules.config.login_without_rate_limit import check_login_rate_limit
from bastion.rules.config.object_access_without_owner_check import check_idor
from bastion.rules.config.password_validators_missing import check_password_validators
from bastion.rules.config.request_size_unlimited import check_request_size
from bastion.rules.config.security_headers_missing import check_security_headers
from bastion.rules.config.weak_password_hasher import check_password_hashers
from bastion.rules.config.web_rule import Verdict

_RULE_IN_NOTICE = re.compile(r"\b([A-Z]{3}\d{3})\b")
_MAX_CODES_SHOWN = 8


@dataclass
class Context:
    result: ScanResult
    model: ProjectModel
    deploy: list[DeployFile]


@dataclass
class Extra:
    """What an item-specific hook adds: evidence, reasons for UNKNOWN, findings that fail the item."""

    evidence: list[ChecklistEvidence] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class ItemDefinition:
    id: str
    title: str
    verify: str
    cwes: frozenset[int] = frozenset()
    families: frozenset[str] = frozenset()
    codes: frozenset[str] = frozenset()
    # A CWE that counts only for rules carrying this tag or slug word (CWE-94 counts for "debug" rules only).
    cwe_needs_tag: Mapping[int, str] = field(default_factory=dict)
    checks: tuple[Callable[[ProjectModel], Verdict], ...] = ()
    extra: Callable[[Context], Extra] | None = None
    # PASS when the rules that find the mistake ran and found nothing (items about the absence of a mistake).
    absence_passes: bool = False
    nothing_found: str = "nothing in the code answers this item"

    def covers(self, rule: type[Rule]) -> bool:
        if rule.code in self.codes or rule.family() in self.families:
            return True
        for cwe in rule.cwe:
            if cwe in self.cwes:
                needed = self.cwe_needs_tag.get(cwe)
                if needed is None or needed in rule.tags or needed in rule.slug:
                    return True
        return False

    def matches(self, finding: Finding) -> bool:
        rule = get_rule(finding.code)
        if rule is None:
            return finding.code in self.codes or finding.family in self.families
        return self.covers(rule)


# -- item-specific evidence -------------------------------------------------------------------------------------


def _site_evidence(site: Site, text: str) -> ChecklistEvidence:
    return ChecklistEvidence(text, site.path, site.line)


def _password_hashing(context: Context) -> Extra:
    extra = Extra()
    for site in context.model.evidence("password_hashing"):
        extra.evidence.append(_site_evidence(site, "passwords hashed with a slow algorithm"))
    return extra


def _input_validation(context: Context) -> Extra:
    extra = Extra()
    for site in context.model.evidence("input_validation")[:5]:
        extra.evidence.append(_site_evidence(site, "request data validated by a form or schema class"))
    return extra


def _ci_security(context: Context) -> Extra:
    extra = Extra()
    files = [f for f in context.deploy if f.kind in ("workflow", "pre-commit")]
    for facts in files:
        for line, tool in facts.security_lines[:1]:
            extra.evidence.append(ChecklistEvidence(f"{facts.kind} runs {tool}", facts.path, line))
    ci_runs_checks = any(f.security_lines for f in files if f.kind == "workflow")
    if not ci_runs_checks:
        # The pre-commit hook is skippable; it fails the item only when CI does not check either.
        extra.findings.extend(f for f in context.result.findings if f.code == "CFG410")
    if not files:
        extra.reasons.append("no CI workflow or pre-commit configuration in the scanned tree")
    return extra


def _container_user(context: Context) -> Extra:
    extra = Extra()
    dockerfiles = [f for f in context.deploy if f.kind == "dockerfile"]
    for facts in dockerfiles:
        if facts.user_line and facts.user not in ("root", "0"):
            extra.evidence.append(ChecklistEvidence(f"USER {facts.user}", facts.path, facts.user_line))
        elif not facts.user_line and "nonroot" in facts.final_image:
            extra.evidence.append(ChecklistEvidence(f"non-root base image {facts.final_image}", facts.path, 1))
    if not dockerfiles:
        extra.reasons.append("no Dockerfile in the scanned tree")
    return extra


def _container_build(context: Context) -> Extra:
    extra = Extra()
    for facts in context.deploy:
        if facts.kind == "dockerfile":
            extra.evidence.append(
                ChecklistEvidence(f"final image {facts.final_image}", facts.path, facts.final_from_line)
            )
    if not extra.evidence:
        extra.reasons.append("no Dockerfile in the scanned tree")
    return extra


_AUDIT_GAPS = frozenset({NoticeKind.SERVICE_UNAVAILABLE, NoticeKind.AUDIT_SKIPPED, NoticeKind.NOT_AUDITED})


def _dependencies(context: Context) -> Extra:
    """Pins that were not checked (advisory source down, `--offline` without `--db`, unreadable lines) leave the
    item UNKNOWN, never PASS: as BST106/BST107/BST108 findings (accepted ones too), or as notices when those rules
    were switched off."""
    extra = Extra()
    result = context.result
    for finding in (*result.findings, *result.baselined, *(item.finding for item in result.suppressed)):
        if finding.properties.get("notice_kind") in {kind.value for kind in _AUDIT_GAPS}:
            where = f"{finding.location.path}:{finding.location.line}"
            extra.reasons.append(
                f"the dependency audit did not check everything: {finding.code} {where} {finding.message}"
            )
    for notice in result.notices:
        if notice.kind in _AUDIT_GAPS:
            extra.reasons.append(f"the dependency audit did not check everything: {notice.render()}")
    return extra


# -- the items --------------------------------------------------------------------------------------------------

ITEMS: tuple[ItemDefinition, ...] = (
    ItemDefinition(
        "no-hardcoded-secrets",
        "No hard-coded secrets",
        "search the code, config files and git history for keys and passwords (bastion's SEC rules do this)",
        cwes=frozenset({798, 259, 321, 260, 538}),
        families=frozenset({"SEC"}),
        absence_passes=True,
    ),
    ItemDefinition(
        "secrets-from-environment",
        "Secrets come from the environment or a secrets manager",
        "check that SECRET_KEY and other keys are read from the environment or a secrets manager in production",
        codes=frozenset({"CFG102", "SEC201", "SEC202"}),
        checks=(check_secret_key,),
        nothing_found="no SECRET_KEY or signing-key setting found",
    ),
    ItemDefinition(
        "passwords-hashed",
        "Passwords hashed with a slow algorithm",
        "check that passwords are stored with Argon2, bcrypt, scrypt or PBKDF2 (never MD5/SHA-1/plain)",
        cwes=frozenset({916, 327, 328, 759, 760, 256, 257}),
        codes=frozenset({"CFG104"}),
        checks=(check_password_hashers,),
        extra=_password_hashing,
        nothing_found="no password hashing found in the code",
    ),
    ItemDefinition(
        "password-rules",
        "Weak passwords refused",
        "check that sign-up and password change enforce a minimum length and refuse common passwords",
        cwes=frozenset({521}),
        checks=(check_password_validators,),
        nothing_found="no password-strength rules found (Django's AUTH_PASSWORD_VALIDATORS; elsewhere they live in "
        "the sign-up and password-change code, which bastion does not judge)",
    ),
    ItemDefinition(
        "sql-parameterised",
        "SQL queries parameterised",
        "review every query built with string formatting; use placeholders or the ORM",
        cwes=frozenset({89, 564, 943}),
        absence_passes=True,
    ),
    ItemDefinition(
        "output-escaped",
        "Output escaped, template autoescape on",
        "check that templates autoescape and that no user data reaches |safe, Markup() or render_template_string",
        cwes=frozenset({79, 80, 116, 1336}),
        absence_passes=True,
    ),
    ItemDefinition(
        "no-shell-with-input",
        "No shell commands built from input",
        "check every subprocess/os.system call: argument lists, no shell=True with user data",
        cwes=frozenset({78, 77, 88}),
        absence_passes=True,
    ),
    ItemDefinition(
        "input-validated",
        "Input validated",
        "check that request data is validated (forms, schemas, pydantic models) before use",
        cwes=frozenset({20, 22, 23, 73, 601, 918, 502, 611, 1333, 95}),
        extra=_input_validation,
        nothing_found="no validation forms or schemas found",
    ),
    ItemDefinition(
        "https-hsts",
        "HTTPS enforced, with HSTS",
        "request http:// and check the redirect to https://; check the Strict-Transport-Security header",
        cwes=frozenset({319, 523}),
        codes=frozenset({"CFG201", "CFG202"}),
        checks=(check_https_redirect, check_hsts),
        nothing_found="no web application found",
    ),
    ItemDefinition(
        "security-headers",
        "Security headers (CSP, X-Frame-Options, nosniff, Referrer-Policy)",
        "check a response's headers (curl -I) on the deployed site",
        cwes=frozenset({693, 1021}),
        codes=frozenset({"CFG203", "CFG204"}),
        checks=(check_security_headers, check_django_middleware),
        nothing_found="no web application found",
    ),
    ItemDefinition(
        "csrf",
        "CSRF protection",
        "submit a state-changing form without its token and check it is refused",
        cwes=frozenset({352}),
        checks=(check_csrf,),
        nothing_found="no form handling found (a pure API authenticated by tokens needs none)",
    ),
    ItemDefinition(
        "secure-cookies",
        "Cookies Secure, HttpOnly and SameSite",
        "log in and check the Set-Cookie flags of the session and CSRF cookies",
        cwes=frozenset({614, 1004, 1275}),
        checks=(check_session_cookies,),
        nothing_found="no session configuration found",
    ),
    ItemDefinition(
        "cors",
        "CORS restricted to trusted origins",
        "send a request with Origin: https://evil.example and check the Access-Control-Allow-* headers",
        cwes=frozenset({942, 346}),
        checks=(check_cors,),
        nothing_found="no web application found",
    ),
    ItemDefinition(
        "host-header",
        "Host header validated",
        "send a request with a foreign Host header and check it is refused",
        cwes=frozenset({183, 644}),
        checks=(check_allowed_hosts,),
        nothing_found="no host validation settings found",
    ),
    ItemDefinition(
        "access-control",
        "Authentication and role checks on destructive routes, no IDOR",
        "call each delete/admin route as an anonymous user and as a plain user; fetch another user's object by id",
        cwes=frozenset({862, 285, 639, 284, 863, 306}),
        checks=(check_destructive_routes, check_idor),
        nothing_found="no destructive or admin route found",
    ),
    ItemDefinition(
        "login-rate-limit",
        "Rate limiting on login",
        "send twenty wrong passwords in a minute and check that the login starts refusing",
        cwes=frozenset({307, 799}),
        checks=(check_login_rate_limit,),
        nothing_found="no login, token or password-reset route found",
    ),
    ItemDefinition(
        "uploads",
        "Upload size limits and safe file handling",
        "upload an oversized file and a file named ../x.html; check both are refused",
        cwes=frozenset({434, 770, 400}),
        codes=frozenset({"CFG306", "CFG307", "CFG308"}),
        checks=(check_request_size,),
        nothing_found="no upload handling found",
    ),
    ItemDefinition(
        "no-debug",
        "No debug mode, no stack traces to users",
        "trigger an error on the deployed site and check the page shows no traceback or settings",
        cwes=frozenset({209, 215, 489, 94, 497}),
        cwe_needs_tag={94: "debug"},
        codes=frozenset({"CFG101", "CFG309"}),
        checks=(check_debug, check_propagate_exceptions),
        nothing_found="no debug setting found",
    ),
    ItemDefinition(
        "security-logging",
        "Security events logged (failed logins)",
        "fail a login and check the logs record it (without the password)",
        cwes=frozenset({778, 223}),
        checks=(check_login_failure_logging,),
        nothing_found="no login handler found",
    ),
    ItemDefinition(
        "logging-without-secrets",
        "Logs without secrets",
        "grep the log calls for passwords, tokens and keys",
        cwes=frozenset({532, 117}),
        absence_passes=True,
    ),
    ItemDefinition(
        "dependencies",
        "Dependencies pinned and free of known vulnerabilities",
        "run the dependency audit against the lock file (bastion's DEP rules, pip-audit)",
        families=frozenset({"DEP"}),
        extra=_dependencies,
        absence_passes=True,
    ),
    ItemDefinition(
        "security-ci",
        "Security checks in CI / pre-commit",
        "check that the CI pipeline runs a security scanner on every change",
        codes=frozenset({"CFG409"}),
        extra=_ci_security,
    ),
    ItemDefinition(
        "container-non-root",
        "Container runs as non-root",
        "run `docker run --rm IMAGE id` and check the uid is not 0",
        codes=frozenset({"CFG401"}),
        extra=_container_user,
    ),
    ItemDefinition(
        "container-build",
        "Images pinned and built without unverified downloads; no privileged containers",
        "review the Dockerfile and compose files: pinned slim base image, no ADD URL or curl | sh, no privileged",
        codes=frozenset({"CFG402", "CFG404", "CFG405", "CFG406", "CFG407"}),
        cwes=frozenset({494, 1357, 653}),
        extra=_container_build,
    ),
)


# -- evaluation -----------------------------------------------------------------------------------------------------


def evaluate_checklist(result: ScanResult, items: Sequence[ItemDefinition] = ITEMS) -> Checklist:
    """Answer every item from a scan run with `ScanOptions(keep_facts=True)`."""
    model = build_model(result.facts.get(WebFactsCollector.name, {}))
    deploy = [f for f in result.facts.get(DeployFactsCollector.name, {}).values() if isinstance(f, DeployFile)]
    context = Context(result, model, deploy)
    return Checklist(tuple(_evaluate(definition, context) for definition in items), result)


def _evaluate(definition: ItemDefinition, context: Context) -> ChecklistItem:
    result = context.result
    findings = [f for f in result.findings if definition.matches(f)]
    evidence: list[ChecklistEvidence] = []
    reasons: list[str] = []
    if definition.extra is not None:
        extra = definition.extra(context)
        findings.extend(f for f in extra.findings if f not in findings)
        evidence.extend(extra.evidence)
        reasons.extend(extra.reasons)
    for check in definition.checks:
        verdict = check(context.model)
        evidence.extend(_verdict_evidence(verdict))
        reasons.extend(verdict.unknown)
        reasons.extend(_unreported(verdict, result))
    reasons.extend(_accepted(definition, result))
    reasons.extend(_blocked(definition, result))
    covering = [rule for rule in result.rules if definition.covers(rule)]

    if findings:
        status = ItemStatus.FAIL
    elif reasons:
        status = ItemStatus.UNKNOWN
    elif evidence or (definition.absence_passes and covering and result.files_read):
        status = ItemStatus.PASS
    else:
        status = ItemStatus.UNKNOWN
        if definition.absence_passes and not covering:
            reasons.append("no rule of this bastion run checks this item (its family is not installed or selected)")
        elif definition.absence_passes and not result.files_read:
            reasons.append("nothing was analysed (BST105), so no finding proves nothing")
        else:
            reasons.append(definition.nothing_found)
    if definition.absence_passes and covering and status is not ItemStatus.FAIL:
        evidence.insert(0, ChecklistEvidence(_coverage(covering, result)))
    return ChecklistItem(
        definition.id,
        definition.title,
        status,
        tuple(_unique(evidence)),
        tuple(sorted(findings, key=Finding.sort_key)),
        tuple(dict.fromkeys(r for r in reasons if r)),
        definition.verify,
    )


def _verdict_evidence(verdict: Verdict) -> Iterable[ChecklistEvidence]:
    for item in verdict.evidence:
        if item.site is None:
            yield ChecklistEvidence(item.text)
        else:
            yield _site_evidence(item.site, item.text)


def _coverage(rules: Sequence[type[Rule]], result: ScanResult) -> str:
    codes = [rule.code for rule in rules]
    shown = ", ".join(codes[:_MAX_CODES_SHOWN]) + (
        f" and {len(codes) - _MAX_CODES_SHOWN} more" if len(codes) > _MAX_CODES_SHOWN else ""
    )
    return f"no finding from {len(codes)} rule(s) ({shown}) over {result.files_read} files"


def _unreported(verdict: Verdict, result: ScanResult) -> list[str]:
    """Problems bastion sees that are not among the active findings: their rule was not selected, or the finding
    was suppressed or baselined. The item cannot pass while they stand."""
    active = {(f.location.path, f.location.line) for f in result.findings}
    reasons = []
    for problem in verdict.problems:
        if (problem.site.path, problem.site.line) not in active:
            reasons.append(
                f"{problem.message} ({problem.site.path}:{problem.site.line}; not reported: its rule was not "
                "selected, or the finding was suppressed or accepted in the baseline)"
            )
    return reasons


def _accepted(definition: ItemDefinition, result: ScanResult) -> list[str]:
    reasons = []
    for item in result.suppressed:
        if definition.matches(item.finding):
            finding = item.finding
            reasons.append(
                f"{finding.code} at {finding.location.path}:{finding.location.line} is suppressed by "
                f"`{item.suppression.text}`: verify the justification"
            )
    for finding in result.baselined:
        if definition.matches(finding):
            reasons.append(
                f"{finding.code} at {finding.location.path}:{finding.location.line} is accepted in the baseline: "
                "verify it is still acceptable"
            )
    return reasons


def _blocked(definition: ItemDefinition, result: ScanResult) -> list[str]:
    reasons = []
    for notice in result.notices:
        if notice.kind is not NoticeKind.INTERNAL_ERROR:
            continue
        for code in _RULE_IN_NOTICE.findall(notice.message):
            rule = get_rule(code)
            if rule is not None and definition.covers(rule):
                reasons.append(f"rule {code} did not finish: {notice.render()}")
    return reasons


def _unique(evidence: Iterable[ChecklistEvidence]) -> list[ChecklistEvidence]:
    return list(dict.fromkeys(evidence))
