"""SEC102: a private key (PEM, OpenSSH, PGP, PuTTY) in the source."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.secrets.support import FIX_HINT, ShapeRule


class PrivateKey(ShapeRule):
    """## What it does
    Finds private keys: PEM armour (`-----BEGIN RSA PRIVATE KEY-----`, `EC`, `DSA`, PKCS#8, `ENCRYPTED`),
    OpenSSH and PGP private key blocks and PuTTY key files, spread over lines or on one line with escaped
    newlines (a Google service-account JSON file, a Python string), or base64-encoded on one line as a Kubernetes
    Secret's `data:` (`tls.key`), a Helm value or an environment variable hold it (decoded: a certificate is not a
    key). A header alone is not reported: the block needs a body of at least 64 base64 characters and its END
    line. Passphrase-protected keys are reported at
    medium severity.

    ## Why is this bad?
    Whoever holds the key is the server, the deploy bot or the service account it belongs to: they can log in
    over SSH, impersonate the TLS site, sign releases or call the cloud API with the account's rights.

    ## Example
    ```python
    DEPLOY_KEY = \"\"\"-----BEGIN OPENSSH PRIVATE KEY-----
    b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAE…
    -----END OPENSSH PRIVATE KEY-----\"\"\"
    ```

    ## Use instead
    ```python
    from pathlib import Path

    DEPLOY_KEY = Path("/run/secrets/deploy_key").read_text()
    ```

    Keep key files out of the repository (`.gitignore`), mount them at run time, and replace the leaked key.

    ## References
    - [GitHub Docs: removing sensitive data from a repository](https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/removing-sensitive-data-from-a-repository)
    - [CWE-321: Use of Hard-coded Cryptographic Key](https://cwe.mitre.org/data/definitions/321.html)
    """

    code = "SEC102"
    slug = "private-key"
    summary = "a private key (PEM, OpenSSH, PGP, PuTTY) in the source"
    severity = Severity.CRITICAL
    confidence = Confidence.HIGH
    cwe = (321, 798)
    fix_hint = FIX_HINT
    tags = ("secrets",)
    # The example shows an abridged key (a real one would trip secret scanners on this page);
    # tests/fixtures/SEC102 and tests/secrets/test_private_keys.py test the rule on whole keys built at run time.
    doc_examples_untestable = True
