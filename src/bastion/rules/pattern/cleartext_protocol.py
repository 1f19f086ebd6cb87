"""PAT510: clients for protocols that send credentials in clear text (Telnet, FTP, IPMI via pyghmi)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext

_CLEARTEXT = {
    "telnetlib.Telnet": "Telnet",
    "telnetlib3.open_connection": "Telnet",
    "ftplib.FTP": "FTP",
    "pyghmi.ipmi.command.Command": "IPMI",
}


class CleartextProtocol(AstRule):
    """## What it does
    Finds clients for protocols that carry passwords and data unencrypted: `telnetlib.Telnet`, `ftplib.FTP`
    (not `FTP_TLS`) and pyghmi's IPMI `Command`.

    ## Why is this bad?
    Telnet and FTP send the login and every byte after it in clear text; anyone on the network path reads the
    password. IPMI's authentication has design flaws that expose password hashes to any client (the
    "cipher zero" and RAKP issues). Bandit reports the imports of these modules; bastion reports the place
    where a connection is made.

    ## Example
    ```python
    import ftplib


    def upload(host, user, password, stream):
        with ftplib.FTP(host, user, password) as ftp:
            ftp.storbinary("STOR report.csv", stream)
    ```

    ## Use instead
    ```python
    import ftplib


    def upload(host, user, password, stream):
        with ftplib.FTP_TLS(host, user, password) as ftp:
            ftp.prot_p()
            ftp.storbinary("STOR report.csv", stream)
    ```
    Or SFTP (paramiko's `SFTPClient`); SSH instead of Telnet.

    ## References
    - [Python docs: ftplib.FTP_TLS](https://docs.python.org/3/library/ftplib.html#ftplib.FTP_TLS)
    - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    """

    code = "PAT510"
    slug = "cleartext-protocol"
    summary = "Telnet, FTP or IPMI client: credentials and data travel in clear text"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (319,)
    fix_hint = "use SSH/SFTP or FTP_TLS instead"
    bandit = ("B312", "B321", "B401", "B402", "B415")
    ruff = ("S312", "S321", "S401", "S402", "S415")
    node_types = (ast.Call,)
    callees = frozenset(_CLEARTEXT)

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        protocol = _CLEARTEXT[ctx.call_name or ""]
        yield ctx.finding(self, node, f"{protocol} sends credentials and data in clear text")
