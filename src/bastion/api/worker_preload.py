"""Imported once by the fork server, so that every worker process it forks starts with bastion's rules loaded.

Without it each worker imports and registers every rule module itself, which costs a good part of a second per
worker before the first file is analysed. The server also asks to die with the scan that started it (the
workers it forks die with it in turn, see `bastion.isolation`).
"""

from bastion.isolation import die_with_starter

die_with_starter()

from bastion.rules import load_all  # noqa: E402  (the parent-death request comes first)

load_all()
