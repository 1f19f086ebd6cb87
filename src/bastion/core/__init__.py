"""Values shared by every layer: findings, locations, rule metadata, severities, errors."""

from bastion.core.errors import BastionError, ConfigError, UsageError
from bastion.core.finding import Finding, FlowStep, Location
from bastion.core.fix import Applicability, Edit, Fix
from bastion.core.notice import Notice, NoticeKind
from bastion.core.rule import FixAvailability, Rule, RuleStatus, all_rules, get_rule
from bastion.core.severity import Confidence, Severity

__all__ = [
    "Applicability",
    "BastionError",
    "Confidence",
    "ConfigError",
    "Edit",
    "Finding",
    "Fix",
    "FixAvailability",
    "FlowStep",
    "Location",
    "Notice",
    "NoticeKind",
    "Rule",
    "RuleStatus",
    "Severity",
    "UsageError",
    "all_rules",
    "get_rule",
]
