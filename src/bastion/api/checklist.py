"""`bastion checklist`: the pre-deployment security checklist, answered from one full scan.

Each item is data (`ITEMS`): the rule classes whose findings decide it (named once, by what they find, never
by CWE number), which configuration checks give PASS evidence, and how to check it by hand. An item is:
- FAIL when an active finding of one of its rules says so (the most severe decides; `info` findings alone never
  fail an item: they keep it from passing);
- UNKNOWN when something matching it was suppressed or baselined, one of its rules crashed, was skipped
  (`--offline` without `--db`) or could not run (an unreachable advisory service), code it would judge was not
  analysed, part of the configuration is only known at run time, or nothing in the code answers it (the
  reasons and a way to verify by hand are listed);
- PASS when the code shows it is done (the setting, middleware or decorator, with its file and line), or, for
  items about the absence of a mistake (SQL injection, shell injection, secrets in code), when the rules that find
  that mistake ran over all the code and found nothing.
Every item says what decided it (`decided_by`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from bastion.concepts.deploy import DeployFile
from bastion.concepts.webapp import ProjectModel, build_model
from bastion.concepts.webfacts import Site
from bastion.core.finding import Finding
from bastion.core.notice import NoticeKind
from bastion.core.result import ScanResult
from bastion.core.rule import Rule
from bastion.core.severity import Severity
from bastion.report.checklist_model import Checklist, ChecklistEvidence, ChecklistItem, ItemStatus
from bastion.rules.config.allowed_hosts_wildcard import AllowedHostsWildcard, check_allowed_hosts
from bastion.rules.config.ci_without_security_checks import CiWithoutSecurityChecks
from bastion.rules.config.collectors import DeployFactsCollector, WebFactsCollector
from bastion.rules.config.compose_host_namespace import ComposeHostNamespace
from bastion.rules.config.compose_privileged import ComposePrivileged
from bastion.rules.config.compose_secret_in_environment import ComposeSecretInEnvironment
from bastion.rules.config.cors_wildcard_credentials import CorsWildcardCredentials, check_cors
from bastion.rules.config.csrf_protection_missing import CsrfProtectionMissing, check_csrf
from bastion.rules.config.debug_enabled import DebugEnabled, check_debug
from bastion.rules.config.debug_propagate_exceptions import DebugPropagateExceptions, check_propagate_exceptions
from bastion.rules.config.destructive_route_without_authorization import (
    DestructiveRouteWithoutAuthorization,
    check_destructive_routes,
)
from bastion.rules.config.django_security_middleware_missing import (
    DjangoSecurityMiddlewareMissing,
    check_django_middleware,
)
from bastion.rules.config.dockerfile_add_from_url import DockerfileAddFromUrl
from bastion.rules.config.dockerfile_base_image import DockerfileBaseImage
from bastion.rules.config.dockerfile_passwordless_sudo import DockerfilePasswordlessSudo
from bastion.rules.config.dockerfile_pipe_to_shell import DockerfilePipeToShell
from bastion.rules.config.dockerfile_runs_as_root import DockerfileRunsAsRoot
from bastion.rules.config.dockerfile_secret_in_env import DockerfileSecretInEnv
from bastion.rules.config.hardcoded_secret_key import HardcodedSecretKey, check_secret_key
from bastion.rules.config.hsts_missing import HstsMissing, check_hsts
from bastion.rules.config.https_redirect_missing import HttpsRedirectMissing, check_https_redirect
from bastion.rules.config.insecure_session_cookie import InsecureSessionCookie, check_session_cookies
from bastion.rules.config.login_failure_not_logged import LoginFailureNotLogged, check_login_failure_logging
from bastion.rules.config.login_without_rate_limit import LoginWithoutRateLimit, check_login_rate_limit
from bastion.rules.config.object_access_without_owner_check import ObjectAccessWithoutOwnerCheck, check_idor
from bastion.rules.config.password_validators_missing import PasswordValidatorsMissing, check_password_validators
from bastion.rules.config.pre_commit_without_security_hooks import PreCommitWithoutSecurityHooks
from bastion.rules.config.request_size_unlimited import RequestSizeUnlimited, check_request_size
from bastion.rules.config.rows_of_every_user_without_authentication import RowsOfEveryUserWithoutAuthentication
from bastion.rules.config.security_headers_missing import SecurityHeadersMissing, check_security_headers
from bastion.rules.config.set_cookie_without_flags import SetCookieWithoutFlags
from bastion.rules.config.throttle_keyed_on_forwarded_header import ThrottleKeyedOnForwardedHeader
from bastion.rules.config.upload_filename_unsanitised import UploadFilenameUnsanitised
from bastion.rules.config.upload_type_unchecked import UploadTypeUnchecked
from bastion.rules.config.weak_password_hasher import WeakPasswordHasher, check_password_hashers
from bastion.rules.config.web_rule import Verdict
from bastion.rules.deps.collector import ManifestCollector
from bastion.rules.pattern.assert_access_control import AssertAccessControl
from bastion.rules.pattern.bcrypt_rounds import BcryptLowRounds
from bastion.rules.pattern.client_address_authorization import ClientAddressAuthorization
from bastion.rules.pattern.client_data_authorization import ClientDataAuthorization
from bastion.rules.pattern.constant_password_hashed import ConstantPasswordHashed
from bastion.rules.pattern.debug_mode import DebugMode
from bastion.rules.pattern.debug_toolbar_client_switch import DebugToolbarClientSwitch
from bastion.rules.pattern.environment_in_response import EnvironmentInResponse
from bastion.rules.pattern.exception_in_response import ExceptionInResponse
from bastion.rules.pattern.fast_hash_password import FastHashPassword
from bastion.rules.pattern.hsts_switched_off import HstsSwitchedOff
from bastion.rules.pattern.jinja2_autoescape import Jinja2Autoescape
from bastion.rules.pattern.mako_templates import MakoTemplates
from bastion.rules.pattern.mark_safe_non_constant import MarkSafeNonConstant
from bastion.rules.pattern.mass_assignment_loop import MassAssignmentLoop
from bastion.rules.pattern.os_system import OsSystem
from bastion.rules.pattern.own_account_form_privilege import OwnAccountFormPrivilege
from bastion.rules.pattern.paramiko_exec_command import ParamikoExecCommand
from bastion.rules.pattern.pbkdf2_iterations import Pbkdf2LowIterations
from bastion.rules.pattern.plaintext_password_lookup import PlaintextPasswordLookup
from bastion.rules.pattern.plaintext_password_stored import PlaintextPasswordStored
from bastion.rules.pattern.secret_in_log import SecretInLog
from bastion.rules.pattern.shell_program_invoked import ShellProgramInvoked
from bastion.rules.pattern.shell_true_other import ShellTrueOtherCall
from bastion.rules.pattern.subprocess_shell import SubprocessShell
from bastion.rules.pattern.template_autoescape_off import TemplateAutoescapeOff
from bastion.rules.pattern.user_form_privilege_fields import UserFormPrivilegeFields
from bastion.rules.pattern.wildcard_injection import WildcardInjection
from bastion.rules.secrets.framework_secret_key import FrameworkSecretKey
from bastion.rules.secrets.hardcoded_password import HardcodedPassword
from bastion.rules.taint.archive_extraction import ArchiveExtraction
from bastion.rules.taint.code_injection import CodeInjection
from bastion.rules.taint.command_injection import CommandInjection
from bastion.rules.taint.cross_site_scripting import CrossSiteScripting
from bastion.rules.taint.header_injection import HeaderInjection
from bastion.rules.taint.ldap_injection import LdapInjection
from bastion.rules.taint.log_injection import LogInjection
from bastion.rules.taint.open_redirect import OpenRedirect
from bastion.rules.taint.path_traversal import PathTraversal
from bastion.rules.taint.regex_injection import RegexInjection
from bastion.rules.taint.resource_exhaustion import ResourceExhaustion
from bastion.rules.taint.server_side_request_forgery import ServerSideRequestForgery
from bastion.rules.taint.sql_injection import SqlInjection
from bastion.rules.taint.template_injection import TemplateInjection
from bastion.rules.taint.unsafe_deserialization import UnsafeDeserialization
from bastion.rules.taint.unsafe_reflection import UnsafeReflection
from bastion.rules.taint.xml_external_entities import XmlExternalEntities
from bastion.rules.taint.xpath_injection import XPathInjection

_T = TypeVar("_T")
_MAX_CODES_SHOWN = 8
# Notices saying that a rule's work did not happen (it crashed, its service was down, it was skipped).
_WHAT_HAPPENED = {
    NoticeKind.INTERNAL_ERROR: "crashed",
    NoticeKind.SERVICE_UNAVAILABLE: "could not run",
    NoticeKind.AUDIT_SKIPPED: "was skipped",
    NoticeKind.NOT_AUDITED: "left a dependency unaudited",
    NoticeKind.CUT_SHORT: "stopped early",
}
_RULE_DID_NOT_RUN = frozenset(_WHAT_HAPPENED)
# Notices saying that a file was not analysed: the rules never saw it.
_FILE_NOT_ANALYSED = frozenset(
    {
        NoticeKind.PARSE_ERROR,
        NoticeKind.DECODE_ERROR,
        NoticeKind.TOO_LARGE,
        NoticeKind.UNREADABLE,
        NoticeKind.BINARY,
        NoticeKind.CUT_SHORT,
    }
)
_CODE_SUFFIXES = (".py", ".pyi", ".pyw")
# "Not analysed" findings (BST1xx): the rule whose work did not happen is in `properties["rule"]`, if one.
_NOT_ANALYSED_PREFIX = "BST1"


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
    # Findings of the item's rules that do not count here (the pre-commit hint when CI runs the checks).
    waived: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class ItemDefinition:
    id: str
    title: str
    verify: str
    # The rules whose findings decide the item: what they find is what the item is about.
    rules: tuple[type[Rule], ...] = ()
    # Whole families that are about the item (every SEC rule finds a secret; every DEP rule a dependency issue).
    families: frozenset[str] = frozenset()
    checks: tuple[Callable[[ProjectModel], Verdict], ...] = ()
    extra: Callable[[Context], Extra] | None = None
    # PASS when the rules that find the mistake ran and found nothing (items about the absence of a mistake).
    absence_passes: bool = False
    nothing_found: str = "nothing in the code answers this item"

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(rule.code for rule in self.rules)

    def covers_code(self, code: str) -> bool:
        return code in self.codes or code[:3] in self.families

    def covers_selector(self, selector: str) -> bool:
        """Whether a rule code or prefix (a notice about every TNT rule names `TNT`) reaches one of the item's."""
        return selector[:3] in self.families or any(code.startswith(selector) for code in self.codes)

    def covers(self, rule: type[Rule]) -> bool:
        return self.covers_code(rule.code)

    def matches(self, finding: Finding) -> bool:
        return self.covers_code(finding.code)


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
    if any(f.security_lines for f in files if f.kind == "workflow"):
        # The pre-commit hook is skippable; its absence matters only when CI does not check either.
        extra.waived.extend(f for f in context.result.findings if f.code == PreCommitWithoutSecurityHooks.code)
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


def _dependencies(context: Context) -> Extra:
    """Absence of advisories means something only when there were dependencies to audit."""
    extra = Extra()
    manifests = [m for m in context.result.facts.get(ManifestCollector.name, {}).values() if m is not None]
    pinned = sum(1 for manifest in manifests for dependency in manifest.dependencies if dependency.version)
    if not manifests:
        extra.reasons.append("no requirements file, pyproject.toml or lock file found: nothing to audit")
    else:
        extra.evidence.append(ChecklistEvidence(f"{len(manifests)} manifest(s), {pinned} pinned package(s) audited"))
    return extra


# -- the items --------------------------------------------------------------------------------------------------

ITEMS: tuple[ItemDefinition, ...] = (
    ItemDefinition(
        "no-hardcoded-secrets",
        "No hard-coded secrets",
        "search the code, config files and git history for keys and passwords (bastion's SEC rules do this)",
        rules=(HardcodedSecretKey, DockerfileSecretInEnv, ComposeSecretInEnvironment, ConstantPasswordHashed),
        families=frozenset({"SEC"}),
        absence_passes=True,
    ),
    ItemDefinition(
        "secrets-from-environment",
        "Secrets come from the environment or a secrets manager",
        "check that SECRET_KEY and other keys are read from the environment or a secrets manager in production",
        rules=(
            HardcodedSecretKey,
            FrameworkSecretKey,
            HardcodedPassword,
            DockerfileSecretInEnv,
            ComposeSecretInEnvironment,
        ),
        checks=(check_secret_key,),
        nothing_found="no SECRET_KEY or signing-key setting found",
    ),
    ItemDefinition(
        "passwords-hashed",
        "Passwords hashed with a slow algorithm",
        "check that passwords are stored with Argon2, bcrypt, scrypt or PBKDF2 (never MD5/SHA-1/plain)",
        rules=(
            FastHashPassword,
            BcryptLowRounds,
            Pbkdf2LowIterations,
            PlaintextPasswordLookup,
            PlaintextPasswordStored,
            WeakPasswordHasher,
        ),
        checks=(check_password_hashers,),
        extra=_password_hashing,
        nothing_found="no password hashing found in the code",
    ),
    ItemDefinition(
        "password-rules",
        "Weak passwords refused",
        "check that sign-up and password change enforce a minimum length and refuse common passwords",
        rules=(PasswordValidatorsMissing,),
        checks=(check_password_validators,),
        nothing_found="no password-strength rules found (Django's AUTH_PASSWORD_VALIDATORS; elsewhere they live in "
        "the sign-up and password-change code, which bastion does not judge)",
    ),
    ItemDefinition(
        "sql-parameterised",
        "SQL queries parameterised",
        "review every query built with string formatting; use placeholders or the ORM",
        rules=(SqlInjection,),
        absence_passes=True,
    ),
    ItemDefinition(
        "output-escaped",
        "Output escaped, template autoescape on",
        "check that templates autoescape and that no user data reaches |safe, Markup() or render_template_string",
        rules=(
            CrossSiteScripting,
            TemplateInjection,
            Jinja2Autoescape,
            MakoTemplates,
            MarkSafeNonConstant,
            TemplateAutoescapeOff,
        ),
        absence_passes=True,
    ),
    ItemDefinition(
        "no-shell-with-input",
        "No shell commands built from input",
        "check every subprocess/os.system call: argument lists, no shell=True with user data",
        rules=(
            CommandInjection,
            SubprocessShell,
            OsSystem,
            ShellTrueOtherCall,
            ShellProgramInvoked,
            WildcardInjection,
            ParamikoExecCommand,
        ),
        absence_passes=True,
    ),
    ItemDefinition(
        "input-validated",
        "Input validated",
        "check that request data is validated (forms, schemas, pydantic models) before use",
        rules=(
            CodeInjection,
            LdapInjection,
            XPathInjection,
            UnsafeReflection,
            PathTraversal,
            ArchiveExtraction,
            OpenRedirect,
            HeaderInjection,
            ServerSideRequestForgery,
            UnsafeDeserialization,
            XmlExternalEntities,
            RegexInjection,
            ResourceExhaustion,
            UploadFilenameUnsanitised,
        ),
        extra=_input_validation,
        nothing_found="no validation forms or schemas found",
    ),
    ItemDefinition(
        "https-hsts",
        "HTTPS enforced, with HSTS",
        "request http:// and check the redirect to https://; check the Strict-Transport-Security header",
        rules=(HttpsRedirectMissing, HstsMissing, HstsSwitchedOff),
        checks=(check_https_redirect, check_hsts),
        nothing_found="no web application found",
    ),
    ItemDefinition(
        "security-headers",
        "Security headers (CSP, X-Frame-Options, nosniff, Referrer-Policy)",
        "check a response's headers (curl -I) on the deployed site",
        rules=(SecurityHeadersMissing, DjangoSecurityMiddlewareMissing),
        checks=(check_security_headers, check_django_middleware),
        nothing_found="no web application found",
    ),
    ItemDefinition(
        "csrf",
        "CSRF protection",
        "submit a state-changing form without its token and check it is refused",
        rules=(CsrfProtectionMissing,),
        checks=(check_csrf,),
        nothing_found="no form handling found (a pure API authenticated by tokens needs none)",
    ),
    ItemDefinition(
        "secure-cookies",
        "Cookies Secure, HttpOnly and SameSite",
        "log in and check the Set-Cookie flags of the session and CSRF cookies",
        rules=(InsecureSessionCookie, SetCookieWithoutFlags),
        checks=(check_session_cookies,),
        nothing_found="no session configuration found",
    ),
    ItemDefinition(
        "cors",
        "CORS restricted to trusted origins",
        "send a request with Origin: https://evil.example and check the Access-Control-Allow-* headers",
        rules=(CorsWildcardCredentials,),
        checks=(check_cors,),
        nothing_found="no web application found",
    ),
    ItemDefinition(
        "host-header",
        "Host header validated",
        "send a request with a foreign Host header and check it is refused",
        rules=(AllowedHostsWildcard,),
        checks=(check_allowed_hosts,),
        nothing_found="no host validation settings found",
    ),
    ItemDefinition(
        "access-control",
        "Authentication and role checks on destructive routes, no IDOR",
        "call each delete/admin route as an anonymous user and as a plain user; fetch another user's object by id",
        rules=(
            DestructiveRouteWithoutAuthorization,
            ObjectAccessWithoutOwnerCheck,
            RowsOfEveryUserWithoutAuthentication,
            AssertAccessControl,
            ClientDataAuthorization,
            ClientAddressAuthorization,
            UserFormPrivilegeFields,
            MassAssignmentLoop,
            OwnAccountFormPrivilege,
        ),
        checks=(check_destructive_routes, check_idor),
        nothing_found="no destructive or admin route found",
    ),
    ItemDefinition(
        "login-rate-limit",
        "Rate limiting on login",
        "send twenty wrong passwords in a minute and check that the login starts refusing",
        rules=(LoginWithoutRateLimit, ThrottleKeyedOnForwardedHeader),
        checks=(check_login_rate_limit,),
        nothing_found="no login, token or password-reset route found",
    ),
    ItemDefinition(
        "uploads",
        "Upload size limits and safe file handling",
        "upload an oversized file and a file named ../x.html; check both are refused",
        rules=(RequestSizeUnlimited, UploadFilenameUnsanitised, UploadTypeUnchecked),
        checks=(check_request_size,),
        nothing_found="no upload handling found",
    ),
    ItemDefinition(
        "no-debug",
        "No debug mode, no stack traces to users",
        "trigger an error on the deployed site and check the page shows no traceback or settings",
        rules=(
            DebugEnabled,
            DebugPropagateExceptions,
            DebugMode,
            DebugToolbarClientSwitch,
            ExceptionInResponse,
            EnvironmentInResponse,
        ),
        checks=(check_debug, check_propagate_exceptions),
        nothing_found="no debug setting found",
    ),
    ItemDefinition(
        "security-logging",
        "Security events logged (failed logins)",
        "fail a login and check the logs record it (without the password)",
        rules=(LoginFailureNotLogged,),
        checks=(check_login_failure_logging,),
        nothing_found="no login handler found",
    ),
    ItemDefinition(
        "logging-without-secrets",
        "Logs without secrets",
        "grep the log calls for passwords, tokens and keys",
        rules=(SecretInLog, LogInjection),
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
        rules=(CiWithoutSecurityChecks, PreCommitWithoutSecurityHooks),
        extra=_ci_security,
    ),
    ItemDefinition(
        "container-non-root",
        "Container runs as non-root",
        "run `docker run --rm IMAGE id` and check the uid is not 0",
        rules=(DockerfileRunsAsRoot, DockerfilePasswordlessSudo),
        extra=_container_user,
    ),
    ItemDefinition(
        "container-build",
        "Images pinned and built without unverified downloads; no privileged containers",
        "review the Dockerfile and compose files: pinned slim base image, no ADD URL or curl | sh, no privileged",
        rules=(
            DockerfileBaseImage,
            DockerfileAddFromUrl,
            DockerfilePipeToShell,
            ComposePrivileged,
            ComposeHostNamespace,
        ),
        extra=_container_build,
    ),
)


# -- evaluation -----------------------------------------------------------------------------------------------------


def evaluate_checklist(result: ScanResult, items: Sequence[ItemDefinition] = ITEMS) -> Checklist:
    """Answer every item from a scan run with `keep_facts=True`."""
    model = build_model(result.facts.get(WebFactsCollector.name, {}))
    deploy = [f for f in result.facts.get(DeployFactsCollector.name, {}).values() if isinstance(f, DeployFile)]
    context = Context(result, model, deploy)
    return Checklist(tuple(_evaluate(definition, context) for definition in items), result)


def _evaluate(definition: ItemDefinition, context: Context) -> ChecklistItem:
    result = context.result
    matching = [f for f in result.findings if definition.matches(f)]
    evidence: list[ChecklistEvidence] = []
    extra_findings: list[Finding] = []
    extra_reasons: list[str] = []
    check_reasons: list[str] = []
    decided_by = ""
    if definition.extra is not None:
        extra = definition.extra(context)
        extra_findings = extra.findings
        matching = [f for f in matching if f not in extra.waived]
        evidence.extend(extra.evidence)
        extra_reasons = extra.reasons
    for check in definition.checks:
        verdict = check(context.model)
        evidence.extend(_verdict_evidence(verdict))
        check_reasons.extend(verdict.unknown)
        check_reasons.extend(_unreported(verdict, result))
    failing = [f for f in (*matching, *extra_findings) if f.severity > Severity.INFO]
    covering = [rule for rule in result.rules if definition.covers(rule)]
    # Most telling first: the first reason is what decides an UNKNOWN.
    reasons = [
        *_not_run(definition, result),
        *(_not_analysed(definition, result) if definition.absence_passes and covering else []),
        *_accepted(definition, result),
        # `info` findings never fail an item; they keep it from passing.
        *(f"{_finding_text(f)} (info)" for f in matching if f.severity <= Severity.INFO),
        *check_reasons,
        *extra_reasons,
    ]

    failing = _unique(sorted(failing, key=_decisive_order))
    if failing:
        status = ItemStatus.FAIL
        decided_by = _finding_text(failing[0])
    elif reasons:
        status = ItemStatus.UNKNOWN
    elif evidence or (definition.absence_passes and covering):
        status = ItemStatus.PASS
    else:
        status = ItemStatus.UNKNOWN
        if definition.absence_passes and not covering:
            reasons.append("no rule of this bastion run checks this item (its family is not installed or selected)")
        else:
            reasons.append(definition.nothing_found)
    if definition.absence_passes and covering and status is not ItemStatus.FAIL:
        evidence.insert(0, ChecklistEvidence(_coverage(covering, result)))
    reasons = list(dict.fromkeys(r for r in reasons if r))
    if status is ItemStatus.UNKNOWN:
        decided_by = reasons[0]
    elif status is ItemStatus.PASS:
        decided_by = _evidence_text(evidence[0])
    return ChecklistItem(
        definition.id,
        definition.title,
        status,
        tuple(_unique(evidence)),
        tuple(failing),
        tuple(reasons),
        definition.verify,
        decided_by=decided_by,
        rules=tuple(sorted(definition.codes)),
        families=tuple(sorted(definition.families)),
    )


def _decisive_order(finding: Finding) -> tuple[int, tuple[str, int, int, str, str]]:
    """The most severe finding decides a FAIL; among equals, the first in file order."""
    return (-int(finding.severity), finding.sort_key())


def _finding_text(finding: Finding) -> str:
    location = finding.location
    return f"{finding.code} at {location.path}:{location.line}: {finding.message}"


def _evidence_text(evidence: ChecklistEvidence) -> str:
    where = evidence.where()
    return f"{where}: {evidence.text}" if where else evidence.text


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
            reasons.append(
                f"{_finding_text(item.finding)}: suppressed by {item.suppression.describe()}; verify the justification"
            )
    for finding in result.baselined:
        if definition.matches(finding):
            reasons.append(f"{_finding_text(finding)}: accepted in the baseline; verify it is still acceptable")
    return reasons


def _not_run(definition: ItemDefinition, result: ScanResult) -> list[str]:
    """A rule of the item crashed, was skipped, could not reach its service or stopped early: the item was not
    (fully) checked. Read from the notice's `rule` field, and from BST1xx findings made of such notices."""
    reasons = []
    for notice in result.notices:
        if notice.kind in _RULE_DID_NOT_RUN and notice.rule is not None and definition.covers_selector(notice.rule):
            reasons.append(f"{notice.rule} {_WHAT_HAPPENED[notice.kind]}: {notice.render()}")
    for finding in _not_analysed_findings(result):
        rule = finding.properties.get("rule")
        if isinstance(rule, str) and definition.covers_selector(rule):
            kind = _kind_of(finding)
            what = _WHAT_HAPPENED.get(kind, "did not run to the end") if kind is not None else "did not run to the end"
            reasons.append(f"{rule} {what}: {_finding_text(finding)}")
    return reasons


def _not_analysed(definition: ItemDefinition, result: ScanResult) -> list[str]:
    """For an item that passes when nothing is found: code its rules never saw leaves the item open."""
    if not result.files_read:
        return ["nothing was analysed (BST105), so no finding proves nothing"]
    if definition.families == frozenset({"DEP"}):
        return []
    gaps: set[tuple[NoticeKind | None, str | None]] = {(n.kind, n.path) for n in result.notices if n.rule is None}
    gaps |= {(_kind_of(f), f.location.path) for f in _not_analysed_findings(result) if "rule" not in f.properties}
    unseen = sorted(
        {path for kind, path in gaps if kind in _FILE_NOT_ANALYSED and path and path.endswith(_CODE_SUFFIXES)}
    )
    if not unseen:
        return []
    shown = ", ".join(unseen[:3]) + (f" and {len(unseen) - 3} more" if len(unseen) > 3 else "")
    return [f"{len(unseen)} Python file(s) were not (fully) analysed, so a finding there would be missed: {shown}"]


def _kind_of(finding: Finding) -> NoticeKind | None:
    value = finding.properties.get("notice_kind")
    try:
        return NoticeKind(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _not_analysed_findings(result: ScanResult) -> Iterable[Finding]:
    """BST1xx findings wherever they ended up (active, suppressed, baselined): the audit is incomplete either way."""
    everything = (*result.findings, *(item.finding for item in result.suppressed), *result.baselined)
    return (finding for finding in everything if finding.code.startswith(_NOT_ANALYSED_PREFIX))


def _unique(items: Iterable[_T]) -> list[_T]:
    return list(dict.fromkeys(items))
