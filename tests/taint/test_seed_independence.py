"""A module's taint facts are the same text under every hash seed: the cache keys a taint part by that text, and the
path a finding shows is the trace kept in it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

# Labels equal but for their trace meet when two dicts with constant keys are joined (branches, loop heads): the
# call result below reaches `META` under SCRIPT_NAME (one step) and PATH_INFO (two steps). Which trace is kept used
# to follow the order of a set of the keys, i.e. the hash seed.
REQUEST = """\
def script_prefix(scope):
    return scope["root"]


class Request:
    def __init__(self, scope):
        self.scope = scope
        self.script_name = script_prefix(scope)
        if self.script_name:
            self.path_info = scope["path"].removeprefix(self.script_name)
        else:
            self.path_info = scope["path"]
        self.META = {
            "METHOD": scope["method"],
            "QUERY": scope["query"],
            "SCRIPT_NAME": self.script_name,
            "PATH_INFO": self.path_info,
            "MULTITHREAD": True,
            "MULTIPROCESS": True,
            "VERSION": (1, 0),
            "SCHEME": "http",
        }
        if scope.get("client"):
            self.META["REMOTE_ADDR"] = scope["client"][0]
            self.META["REMOTE_PORT"] = scope["client"][1]
        if scope.get("server"):
            self.META["SERVER_NAME"] = scope["server"][0]
        else:
            self.META["SERVER_NAME"] = "unknown"
        for name, value in scope["headers"]:
            key = "HTTP_" + name.upper()
            if key in self.META:
                value = self.META[key] + "," + value
            self.META[key] = value
        self.parse(self.META)

    def parse(self, meta):
        return meta
"""

ENCODE = """
import sys
from pathlib import Path
from bastion.api.engine import Analyzer, AnalyzerSpec
from bastion.core.config import BastionConfig
from bastion.rules import rule_entries
from bastion.source.discovery import discover
root = Path(sys.argv[1])
codes = tuple(entry.code for entry in rule_entries() if entry.code.startswith("TNT"))
analyzer = Analyzer(AnalyzerSpec(BastionConfig(), codes, file_time_limit=0))
found = discover([root], root, BastionConfig().all_excludes, respect_gitignore=False)
for file in sorted(found.files, key=lambda file: file.rel):
    entry, _ = analyzer.analyse_to_entry(file)
    print(file.rel, entry)
"""


def test_joined_dict_keys_keep_the_same_trace_whatever_the_hash_seed(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "request.py").write_text(REQUEST)
    script = tmp_path / "encode.py"
    script.write_text(textwrap.dedent(ENCODE))
    texts = set()
    for seed in ("1", "2", "3"):
        completed = subprocess.run(
            [sys.executable, str(script), str(tree)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        assert "assigned to `self.script_name`" in completed.stdout
        texts.add(completed.stdout)
    assert len(texts) == 1
