"""Secret detection: provider key shapes, generic high-entropy values, filters, redaction, git history."""
