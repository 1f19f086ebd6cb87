"""The provider key shapes bastion knows, declared as data (see `detectors.Detector`).

Shapes are described from the providers' documentation and the public rule sets of gitleaks (MIT) and
detect-secrets (Apache-2.0) (CONVENTIONS.md section 7), written afresh for RE2 and tested on synthetic tokens
(tests/secrets/test_providers.py). Private keys (multi-line) are found by `private_keys`, not here.
"""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.secrets.detectors import JWT_CODE, PRIVATE_KEY_CODE, PROVIDER_CODE, URL_CREDENTIALS_CODE, Detector
from bastion.secrets.validators import (
    base64_private_key_check,
    crc32_token_checksum,
    docker_auth_check,
    jwt_check,
    local_default_credentials,
    url_password_check,
)

# Characters that may not continue a token: the end of a base64/base62 token without `\b` (which RE2 treats as
# ASCII word boundaries, wrong after `/` or `+`).
_END64 = r"(?:[^A-Za-z0-9/+=]|$)"
_END_URLSAFE = r"(?:[^A-Za-z0-9_\-]|$)"
_ASSIGN = r"[\"']?\s*(?:[:=]|=>|,|:=)\s*[\[(\"']*"

DETECTORS: tuple[Detector, ...] = (
    # -- AWS ------------------------------------------------------------------------------------------------
    Detector(
        "aws-access-key-id",
        "AWS access key id",
        PROVIDER_CODE,
        r"\b(?P<secret>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\b",
        ("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
        Severity.MEDIUM,
        case_sensitive=True,
    ),
    Detector(
        "aws-secret-access-key",
        "AWS secret access key",
        PROVIDER_CODE,
        r"(?i)(?:aws|amazon)[\w.\-]{0,40}?(?:secret|sk)[\w.\-]{0,20}"
        + _ASSIGN
        + r"(?P<secret>[A-Za-z0-9/+]{40})"
        + _END64,
        ("aws", "amazon"),
        Severity.HIGH,
    ),
    Detector(
        "aws-secret-access-key-near-id",
        "AWS secret access key",
        PROVIDER_CODE,
        r"(?i)secret[\w.\-]{0,20}" + _ASSIGN + r"(?P<secret>[A-Za-z0-9/+]{40})" + _END64,
        ("secret",),
        Severity.HIGH,
        requires_nearby="aws-access-key-id",
    ),
    Detector(
        "aws-secret-after-key-id",
        "AWS secret access key",
        PROVIDER_CODE,
        r"(?:AKIA|ASIA)[A-Z2-7]{16}[\"']?[\s,;|:]+[\"']?(?P<secret>[A-Za-z0-9/+]{40})" + _END64,
        ("AKIA", "ASIA"),
        Severity.HIGH,
        case_sensitive=True,
    ),
    # -- GitHub ---------------------------------------------------------------------------------------------
    Detector(
        "github-token",
        "GitHub token",
        PROVIDER_CODE,
        r"\b(?P<secret>gh[pousr]_[A-Za-z0-9]{36})\b",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        Severity.CRITICAL,
        check=crc32_token_checksum,
    ),
    Detector(
        "github-fine-grained-token",
        "GitHub fine-grained personal access token",
        PROVIDER_CODE,
        r"\b(?P<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b",
        ("github_pat_",),
        Severity.CRITICAL,
    ),
    # -- GitLab ---------------------------------------------------------------------------------------------
    Detector(
        "gitlab-token",
        "GitLab token",
        PROVIDER_CODE,
        r"\b(?P<secret>gl(?:pat|dt|rt|ptt|oas|ft|soat|cbt|imt|agent)-[0-9A-Za-z_\-]{20,})",
        ("glpat-", "gldt-", "glrt-", "glptt-", "gloas-", "glft-", "glsoat-", "glcbt-", "glimt-", "glagent-"),
        Severity.CRITICAL,
    ),
    Detector(
        "gitlab-runner-registration-token",
        "GitLab runner registration token",
        PROVIDER_CODE,
        r"\b(?P<secret>GR1348941[0-9A-Za-z_\-]{20,})",
        ("GR1348941",),
        Severity.HIGH,
        case_sensitive=True,
    ),
    # -- Slack ----------------------------------------------------------------------------------------------
    Detector(
        "slack-token",
        "Slack token",
        PROVIDER_CODE,
        r"\b(?P<secret>xox[abeoprs]-[0-9]+-[0-9A-Za-z\-]{8,})",
        ("xox",),
        Severity.HIGH,
    ),
    Detector(
        "slack-app-token",
        "Slack app-level token",
        PROVIDER_CODE,
        r"\b(?P<secret>xapp-[0-9]-[A-Z0-9]+-[0-9]+-[a-z0-9]+)",
        ("xapp-",),
        Severity.HIGH,
    ),
    Detector(
        "slack-webhook",
        "Slack incoming webhook URL",
        PROVIDER_CODE,
        r"(?P<secret>https?://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_\-]{20,})",
        ("hooks.slack.com",),
        Severity.MEDIUM,
    ),
    # -- Stripe ---------------------------------------------------------------------------------------------
    Detector(
        "stripe-live-key",
        "Stripe live secret key",
        PROVIDER_CODE,
        r"\b(?P<secret>(?:sk|rk)_live_[0-9A-Za-z]{20,})\b",
        ("sk_live_", "rk_live_"),
        Severity.CRITICAL,
    ),
    Detector(
        "stripe-test-key",
        "Stripe test-mode secret key",
        PROVIDER_CODE,
        r"\b(?P<secret>(?:sk|rk)_test_[0-9A-Za-z]{20,})\b",
        ("sk_test_", "rk_test_"),
        Severity.LOW,
        test_key=True,
    ),
    Detector(
        "stripe-webhook-secret",
        "Stripe webhook signing secret",
        PROVIDER_CODE,
        r"\b(?P<secret>whsec_[0-9A-Za-z]{32,})\b",
        ("whsec_",),
        Severity.HIGH,
    ),
    # -- Google ---------------------------------------------------------------------------------------------
    Detector(
        "google-api-key",
        "Google API key",
        PROVIDER_CODE,
        r"(?P<secret>AIza[0-9A-Za-z_\-]{35})" + _END_URLSAFE,
        ("AIza",),
        Severity.HIGH,
        case_sensitive=True,
    ),
    Detector(
        "google-oauth-client-secret",
        "Google OAuth client secret",
        PROVIDER_CODE,
        r"(?P<secret>GOCSPX-[0-9A-Za-z_\-]{28})" + _END_URLSAFE,
        ("GOCSPX-",),
        Severity.HIGH,
        case_sensitive=True,
    ),
    # -- Azure ----------------------------------------------------------------------------------------------
    Detector(
        "azure-storage-account-key",
        "Azure storage account key",
        PROVIDER_CODE,
        r"(?i)AccountKey\s*=\s*(?P<secret>[A-Za-z0-9+/]{86}==)",
        ("accountkey",),
        Severity.CRITICAL,
    ),
    Detector(
        "azure-shared-access-key",
        "Azure shared access key (Service Bus, Event Hubs, IoT Hub)",
        PROVIDER_CODE,
        r"(?i)SharedAccessKey\s*=\s*(?P<secret>[A-Za-z0-9+/]{42,44}=)",
        ("sharedaccesskey",),
        Severity.HIGH,
    ),
    Detector(
        "azure-sas-token",
        "Azure shared access signature",
        PROVIDER_CODE,
        r"sv=[0-9]{4}-[0-9]{2}-[0-9]{2}[^\s\"'<>]*?[?&]sig=(?P<secret>[A-Za-z0-9%+/=]{40,})",
        ("sig=",),
        Severity.HIGH,
    ),
    Detector(
        "azure-ad-client-secret",
        "Azure AD (Entra ID) client secret",
        PROVIDER_CODE,
        r"(?:^|[^A-Za-z0-9_~.\-])(?P<secret>[A-Za-z0-9_~.\-]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34})(?:[^A-Za-z0-9_~.\-]|$)",
        ("Q~",),
        Severity.HIGH,
        case_sensitive=True,
    ),
    # -- Twilio, SendGrid, Mailgun ----------------------------------------------------------------------------
    Detector(
        "twilio-api-key",
        "Twilio API key",
        PROVIDER_CODE,
        r"\b(?P<secret>SK[0-9a-fA-F]{32})\b",
        ("SK",),
        Severity.HIGH,
        Confidence.MEDIUM,
        case_sensitive=True,
    ),
    Detector(
        "twilio-auth-token",
        "Twilio auth token",
        PROVIDER_CODE,
        r"(?i)twilio[\w.\-]{0,30}?(?:auth|token|secret)[\w.\-]{0,20}" + _ASSIGN + r"(?P<secret>[0-9a-f]{32})\b",
        ("twilio",),
        Severity.HIGH,
    ),
    Detector(
        "sendgrid-api-key",
        "SendGrid API key",
        PROVIDER_CODE,
        r"\b(?P<secret>SG\.[0-9A-Za-z_\-]{22}\.[0-9A-Za-z_\-]{43})" + _END_URLSAFE,
        ("SG.",),
        Severity.HIGH,
        case_sensitive=True,
    ),
    Detector(
        "mailgun-api-key",
        "Mailgun API key",
        PROVIDER_CODE,
        r"\b(?P<secret>key-[0-9a-f]{32})\b",
        ("key-",),
        Severity.HIGH,
        Confidence.MEDIUM,
    ),
    # -- Package registries -----------------------------------------------------------------------------------
    Detector(
        "npm-token",
        "npm access token",
        PROVIDER_CODE,
        r"\b(?P<secret>npm_[A-Za-z0-9]{36})\b",
        ("npm_",),
        Severity.CRITICAL,
        check=crc32_token_checksum,
    ),
    Detector(
        "pypi-token",
        "PyPI upload token",
        PROVIDER_CODE,
        r"\b(?P<secret>pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{50,})",
        ("pypi-ag",),
        Severity.CRITICAL,
    ),
    # -- AI providers -----------------------------------------------------------------------------------------
    Detector(
        "openai-api-key",
        "OpenAI API key",
        PROVIDER_CODE,
        r"\b(?P<secret>sk-(?:[A-Za-z0-9]+-)?[A-Za-z0-9_\-]{16,}T3BlbkFJ[A-Za-z0-9_\-]{16,})",
        ("T3BlbkFJ",),
        Severity.CRITICAL,
        case_sensitive=True,
    ),
    Detector(
        "openai-project-key",
        "OpenAI API key",
        PROVIDER_CODE,
        r"\b(?P<secret>sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{48,})",
        ("sk-proj-", "sk-svcacct-", "sk-admin-"),
        Severity.CRITICAL,
    ),
    Detector(
        "anthropic-api-key",
        "Anthropic API key",
        PROVIDER_CODE,
        r"\b(?P<secret>sk-ant-(?:api|admin|sid)[0-9]{2}-[A-Za-z0-9_\-]{80,})",
        ("sk-ant-",),
        Severity.CRITICAL,
    ),
    Detector(
        "huggingface-token",
        "Hugging Face access token",
        PROVIDER_CODE,
        r"\b(?P<secret>(?:hf_|api_org_)[A-Za-z]{34})\b",
        ("hf_", "api_org_"),
        Severity.HIGH,
    ),
    # -- Chat -------------------------------------------------------------------------------------------------
    Detector(
        "discord-bot-token",
        "Discord bot token",
        PROVIDER_CODE,
        r"(?i)discord[\w.\-]{0,30}"
        + _ASSIGN
        + r"(?P<secret>[MNO][A-Za-z0-9_\-]{23,27}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,40})",
        ("discord",),
        Severity.HIGH,
    ),
    Detector(
        "discord-webhook",
        "Discord webhook URL",
        PROVIDER_CODE,
        r"(?P<secret>https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_\-]{60,68})",
        ("discord",),
        Severity.MEDIUM,
    ),
    Detector(
        "telegram-bot-token",
        "Telegram bot token",
        PROVIDER_CODE,
        r"\b(?P<secret>[0-9]{8,10}:AA[0-9A-Za-z_\-]{33})" + _END_URLSAFE,
        (":AA",),
        Severity.HIGH,
        case_sensitive=True,
    ),
    # -- Docker, Kubernetes -------------------------------------------------------------------------------------
    Detector(
        # `~/.docker/config.json` (and `.dockercfg`): `"auths": {"registry": {"auth": base64("user:password")}}`.
        "docker-registry-auth",
        "Docker registry login (base64 of user:password)",
        PROVIDER_CODE,
        r"\"auth\"\s*:\s*\"(?P<secret>[A-Za-z0-9+/]{8,}={0,2})\"",
        ('"auth"',),
        Severity.HIGH,
        check=docker_auth_check,
    ),
    Detector(
        # A PEM private key in base64 (`LS0tLS1CRUdJTi` is `-----BEGIN`): a Kubernetes Secret's `tls.key` or
        # `ssh-privatekey`, a Helm value, an environment variable. Certificates share the prefix: the check
        # decodes the header.
        "base64-private-key",
        "private key (PEM, base64-encoded)",
        PRIVATE_KEY_CODE,
        r"(?P<secret>LS0tLS1CRUdJTi[A-Za-z0-9+/]{40,}={0,2})" + _END64,
        ("LS0tLS1CRUdJTi",),
        Severity.CRITICAL,
        case_sensitive=True,
        check=base64_private_key_check,
    ),
    # -- Generic shapes ---------------------------------------------------------------------------------------
    Detector(
        "jwt",
        "JSON Web Token",
        JWT_CODE,
        r"\b(?P<secret>eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,})",
        ("eyJ",),
        Severity.MEDIUM,
        check=jwt_check,
        case_sensitive=True,
    ),
    Detector(
        "url-credentials",
        "password in a URL",
        URL_CREDENTIALS_CODE,
        r"\b[A-Za-z][A-Za-z0-9+.\-]{1,30}://(?P<user>[^\s:/@\"'<>]*):(?P<secret>[^\s@/\"'<>`]{3,})"
        r"@(?P<host>[^\s/\"'<>:@]+)",
        ("://",),
        Severity.HIGH,
        check=url_password_check,
        weak_context=local_default_credentials,
    ),
    Detector(
        "connection-string-password",
        "password in a connection string",
        URL_CREDENTIALS_CODE,
        r"(?i)(?:server|data source|host|address|addr|user id|uid|username|user|database|initial catalog)\s*=[^;]*;"
        r"(?:[^;]*;)*?\s*(?:password|pwd)\s*=\s*(?P<secret>[^;\"'\s`]{3,})",
        ("password", "pwd"),
        Severity.HIGH,
    ),
)

BY_NAME = {detector.name: detector for detector in DETECTORS}
