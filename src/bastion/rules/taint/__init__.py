"""TNT: untrusted input reaching dangerous sinks, across functions and modules (one rule per sink kind)."""
