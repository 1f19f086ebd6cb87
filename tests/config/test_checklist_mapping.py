"""Which findings decide each checklist item: named rule by rule (what the rule finds), never by CWE number, and
checked here as a table, so that moving a rule in or out of an item is a visible decision."""

from __future__ import annotations

from pathlib import Path

import pytest

from bastion.api.checklist import ITEMS, evaluate_checklist
from bastion.core.finding import Finding, Location
from bastion.core.result import ScanResult
from bastion.core.severity import Confidence, Severity
from bastion.report.checklist_model import ItemStatus
from bastion.rules import load_all

# item id -> (rule codes, whole families)
EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    "no-hardcoded-secrets": ({"CFG102", "CFG403", "CFG408", "PAT408"}, {"SEC"}),
    "secrets-from-environment": ({"CFG102", "CFG403", "CFG408", "SEC201", "SEC202"}, set()),
    "passwords-hashed": ({"CFG104", "PAT402", "PAT403", "PAT404", "PAT407", "PAT409"}, set()),
    "password-rules": ({"CFG105"}, set()),
    "sql-parameterised": ({"TNT101"}, set()),
    "output-escaped": ({"PAT802", "PAT803", "PAT804", "PAT904", "TNT104", "TNT301"}, set()),
    "no-shell-with-input": ({"PAT301", "PAT302", "PAT303", "PAT304", "PAT306", "PAT307", "TNT102"}, set()),
    "input-validated": (
        {"CFG307", "TNT103", "TNT105", "TNT106", "TNT107", "TNT201", "TNT202", "TNT302", "TNT303", "TNT401", "TNT501"}
        | {"TNT502", "TNT602", "TNT603"},
        set(),
    ),
    "https-hsts": ({"CFG201", "CFG202", "PAT907"}, set()),
    "security-headers": ({"CFG203", "CFG204"}, set()),
    "csrf": ({"CFG301"}, set()),
    "secure-cookies": ({"CFG205", "CFG206"}, set()),
    "cors": ({"CFG302"}, set()),
    "host-header": ({"CFG103"}, set()),
    "access-control": (
        {"CFG303", "CFG304", "CFG311", "PAT605", "PAT606", "PAT607", "PAT608", "PAT609", "PAT809"},
        set(),
    ),
    "login-rate-limit": ({"CFG305", "CFG312"}, set()),
    "uploads": ({"CFG306", "CFG307", "CFG308"}, set()),
    "no-debug": ({"CFG101", "CFG309", "PAT801", "PAT812", "PAT901", "PAT905"}, set()),
    "security-logging": ({"CFG310"}, set()),
    "logging-without-secrets": ({"PAT902", "TNT601"}, set()),
    "dependencies": (set(), {"DEP"}),
    "security-ci": ({"CFG409", "CFG410"}, set()),
    "container-non-root": ({"CFG401", "CFG411"}, set()),
    "container-build": ({"CFG402", "CFG404", "CFG405", "CFG406", "CFG407"}, set()),
}

# Rules whose findings answer no item: `bastion scan` reports them; the checklist stays a deployment review.
NOT_ON_THE_CHECKLIST = {
    "BST": "about bastion's own suppression comments",
    "CFG106": "deserialisation of session data (like PAT2; a candidate item of its own)",
    "PAT1": "code execution primitives without a source of input (TNT103 covers input reaching them)",
    "PAT2": "deserialisation of data of unknown origin (TNT501 covers input reaching it)",
    "PAT305": "a program looked up on PATH: hardening of the host, not of the app",
    "PAT401": "a weak hash used for something other than passwords (PAT402 is the password case)",
    "PAT405": "cryptography and tokens (a candidate item of its own)",
    "PAT406": "cryptography and tokens (a candidate item of its own)",
    "PAT410": "what a login answers for an unknown account: login design (a candidate item of its own)",
    "PAT411": "cryptography and tokens (a candidate item of its own)",
    "TNT701": "cryptography and tokens (a candidate item of its own)",
    "PAT5": "outbound TLS, ciphers and protocols (a candidate item of its own)",
    **dict.fromkeys(("PAT601", "PAT602", "PAT603", "PAT604"), "JWT verification (a candidate item of its own)"),
    "PAT7": "XML parsers on data of unknown origin (TNT502 covers input reaching them)",
    "PAT805": "binding to every interface: deployment topology, not code",
    "PAT806": "temporary files",
    "PAT807": "temporary files",
    "PAT808": "file permissions",
    "PAT810": "archive extraction of data of unknown origin (TNT202 covers input reaching it)",
    "PAT811": "a slow constant regex, whatever text it meets (TNT602 covers input used as a pattern)",
    "PAT903": "error handling hygiene",
    "PAT906": "a version banner in a header: hardening, not a checklist item of its own",
}


def _item(item_id: str):  # type: ignore[no-untyped-def]
    return next(item for item in ITEMS if item.id == item_id)


@pytest.mark.parametrize("item_id", sorted(EXPECTED))
def test_every_item_names_the_rules_that_decide_it(item_id: str) -> None:
    codes, families = EXPECTED[item_id]
    item = _item(item_id)
    assert item.codes == codes
    assert item.families == families


def test_the_table_lists_every_item_once() -> None:
    assert [item.id for item in ITEMS] == list(EXPECTED)


def test_every_rule_feeds_an_item_or_says_why_not() -> None:
    placed = {code for codes, _ in EXPECTED.values() for code in codes}
    families = {family for _, fams in EXPECTED.values() for family in fams}
    for rule in load_all():
        on_list = rule.code in placed or rule.family() in families
        excluded = [prefix for prefix in NOT_ON_THE_CHECKLIST if rule.code.startswith(prefix)]
        assert on_list != bool(excluded), f"{rule.code}: on an item and excluded, or neither"


def _result(*findings: Finding) -> ScanResult:
    return ScanResult(Path("."), list(findings), [], [], [], [], load_all(), 1, 1, 1, 1, 0.0)


def _finding(code: str, severity: Severity = Severity.HIGH, path: str = "app.py", line: int = 3) -> Finding:
    return Finding(code, f"{code} message", Location(path, line), severity, Confidence.HIGH)


@pytest.mark.parametrize(
    ("code", "path", "item_id"),
    [
        ("DEP201", "requirements.txt", "container-build"),  # an unpinned requirement is not an unpinned image
        ("PAT507", "app/client.py", "uploads"),  # a request without a timeout is not an upload limit
        ("PAT401", "app/cache.py", "passwords-hashed"),  # sha1(code) is not password storage
        ("PAT201", "app/cache.py", "input-validated"),  # pickle of a cache file is not request data
    ],
)
def test_findings_about_something_else_do_not_decide_an_item(code: str, path: str, item_id: str) -> None:
    checklist = evaluate_checklist(_result(_finding(code, path=path)))
    item = next(item for item in checklist.items if item.id == item_id)
    assert item.status is not ItemStatus.FAIL
    assert all(finding.code != code for finding in item.findings)


def test_info_findings_alone_never_fail_an_item_and_the_decider_is_named() -> None:
    info = _finding("CFG409", Severity.INFO, ".github/workflows/ci.yml", 1)
    item = next(i for i in evaluate_checklist(_result(info)).items if i.id == "security-ci")
    assert item.status is ItemStatus.UNKNOWN
    assert item.decided_by.startswith("CFG409 at .github/workflows/ci.yml:1")
    worst = _finding("TNT102", Severity.CRITICAL, "app/b.py", 9)
    checklist = evaluate_checklist(_result(_finding("PAT302", Severity.HIGH, "app/a.py", 2), worst))
    shell = next(i for i in checklist.items if i.id == "no-shell-with-input")
    assert shell.status is ItemStatus.FAIL
    assert shell.decided_by.startswith("TNT102 at app/b.py:9"), "the most severe finding decides"
    assert [f.code for f in shell.findings] == ["TNT102", "PAT302"]
