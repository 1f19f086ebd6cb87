"""Rules about bastion's own markers (unused suppressions)."""
