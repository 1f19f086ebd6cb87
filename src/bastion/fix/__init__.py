"""`bastion fix`: apply the fixes rules attach to their findings, check the result, repeat to a fixpoint.

- `edits`: put a file's fixes into its text (non-overlapping ones; the others wait for the next round).
- `verify`: the fixed text must still parse (libcst for Python, tomllib for TOML).
- `engine`: the rounds: scan, apply, re-scan the edited text in memory, keep what resolved its finding without
  making another appear, until nothing is left to apply.
- `writing`: write the results back, atomically, only where the file is still what was read, inside the tree.
"""
