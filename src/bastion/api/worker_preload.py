"""Imported once by the forkserver, so that every worker process it forks starts with bastion's rules loaded.

Without it each worker imports and registers every rule module itself, which costs a good part of a second per
worker before the first file is analysed.
"""

from bastion.rules import load_all

load_all()
