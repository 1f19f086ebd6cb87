"""What code *does*, whatever the library: route handlers, settings, SQL executions, commands...

Library specifics live in TOML models (`bastion.models`); this layer turns them, and the semantic index, into
concepts that rules ask about.
"""
