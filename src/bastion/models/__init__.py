"""Library models as data: TOML files mapping library APIs to concepts, sources, sinks and sanitizers."""
