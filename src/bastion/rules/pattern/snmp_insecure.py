"""PAT509: SNMP v1/v2c community authentication, or SNMPv3 without authentication and privacy."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument, has_kwargs_splat

_MODULES = (
    "pysnmp.hlapi",
    "pysnmp.hlapi.asyncio",
    "pysnmp.hlapi.v3arch",
    "pysnmp.hlapi.v3arch.asyncio",
    "pysnmp.hlapi.v1arch",
    "pysnmp.hlapi.v1arch.asyncio",
    "pysnmp.entity.rfc3413.oneliner.cmdgen",
)
_COMMUNITY = frozenset(f"{module}.CommunityData" for module in _MODULES)
_USM = frozenset(f"{module}.UsmUserData" for module in _MODULES)


class SnmpInsecure(AstRule):
    """## What it does
    Finds pysnmp's `CommunityData(...)` (SNMP v1 and v2c) and `UsmUserData(user)` without both an
    authentication key and a privacy key (SNMPv3 `noAuthNoPriv` or `authNoPriv`).

    ## Why is this bad?
    SNMP v1/v2c authenticate with a community string sent in clear text and encrypt nothing; anyone on the
    network reads it and can then read (or, with a write community, change) the device's configuration.
    SNMPv3 without `authKey` and `privKey` has the same weaknesses.

    ## Example
    ```python
    from pysnmp.hlapi import CommunityData

    auth = CommunityData("public", mpModel=1)
    ```

    ## Use instead
    ```python
    from pysnmp.hlapi import UsmUserData, usmAesCfb128Protocol, usmHMACSHAAuthProtocol

    auth = UsmUserData(
        "monitor",
        authKey="loaded-from-a-secret-store",
        privKey="loaded-from-a-secret-store-too",
        authProtocol=usmHMACSHAAuthProtocol,
        privProtocol=usmAesCfb128Protocol,
    )
    ```

    ## References
    - [pysnmp: security parameters](https://docs.lextudio.com/pysnmp/v7.1/docs/api-reference#security-parameters)
    - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    """

    code = "PAT509"
    slug = "snmp-insecure"
    summary = "SNMP v1/v2c community string, or SNMPv3 without authentication and privacy"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (319,)
    fix_hint = "use SNMPv3 UsmUserData with both authKey and privKey"
    bandit = ("B508", "B509")
    ruff = ("S508", "S509")
    node_types = (ast.Call,)
    callees = _COMMUNITY | _USM

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        if ctx.call_name in _COMMUNITY:
            yield ctx.finding(self, node, "SNMP v1/v2c sends its community string in clear text and encrypts nothing")
            return
        if has_kwargs_splat(node):
            return
        auth_key = argument(node, 1, "authKey")
        privacy_key = argument(node, 2, "privKey")
        if auth_key is None or privacy_key is None:
            yield ctx.finding(self, node, "SNMPv3 without both authKey and privKey is not authenticated and encrypted")
