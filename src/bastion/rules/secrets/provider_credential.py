"""SEC101: a provider's API key or token, recognised by its shape."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.secrets.support import FIX_HINT, ShapeRule


class ProviderCredential(ShapeRule):
    """## What it does
    Finds API keys and tokens of known providers by their shape, in every text file the scan reaches (Python,
    `.env`, YAML, JSON, TOML, INI, notebooks, Dockerfiles, shell scripts ...) and in Python strings assembled
    from pieces: AWS access key ids and secret access keys (one critical finding when the two sit together),
    GitHub tokens (the CRC32 checksum of new-format tokens is verified offline, so look-alikes are dropped),
    GitLab, Slack tokens and webhooks, Stripe live keys (test keys at low severity), Google API keys and OAuth
    client secrets, Azure storage keys, shared access keys and SAS tokens, Twilio, SendGrid, Mailgun, npm, PyPI
    upload tokens, OpenAI, Anthropic, Hugging Face, Discord and Telegram bot tokens, and docker `config.json`
    logins (`"auth"`: base64 of `user:password`, decoded to check it is one).

    ## Why is this bad?
    A key in the repository is readable by everyone who can read the repository, its forks, its CI logs and
    every clone, forever: git history keeps it after the line is deleted. Bots scan public repositories for
    these shapes within minutes of a push.

    ## Example
    ```python
    import stripe

    # The key is split in two only so that this documentation page does not trip secret scanners.
    stripe.api_key = "sk_live_" "51Hq7LyjWDarjtT1zdp7dc9Xk2Qm"
    ```

    ## Use instead
    ```python
    import os

    import stripe

    stripe.api_key = os.environ["STRIPE_API_KEY"]
    ```

    Then rotate the key in the provider's console: removing the line does not un-leak it.

    ## References
    - [GitHub: behind GitHub's new authentication token formats](https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/)
    - [OWASP Secrets Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html)
    - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    """

    code = "SEC101"
    slug = "provider-credential"
    summary = "a provider's API key or token (AWS, GitHub, Slack, Stripe, Google, OpenAI ...) in the source"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (798,)
    fix_hint = FIX_HINT
    tags = ("secrets",)
