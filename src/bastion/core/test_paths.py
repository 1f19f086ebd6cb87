"""Which files are tests, CI, documentation or examples: code that does not run in production.

Findings there are held back by default (a fixture password, a CI database container, a docs snippet are not what a
reviewer acts on); `[tool.bastion] test-paths` replaces the list below and `extend-test-paths` adds to it (gitignore
syntax, relative to the project root), and `include-tests = true` or `--include-tests` shows what was held back.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pathspec

DEFAULT_TEST_PATHS: tuple[str, ...] = (
    # Tests: folders, then files, then the settings modules test runs and CI use.
    "test/",
    "tests/",
    "testing/",
    "unittests/",
    "__tests__/",
    "testdata/",
    "test_data/",
    "test_*.py",
    # Test data files of any kind (`fixtures/test-user-data.json`, `test_settings.env`) and Django fixture folders.
    "test_*.*",
    "test-*.*",
    "fixtures/",
    "*_test.py",
    "*_tests.py",
    "tests.py",
    "conftest.py",
    "tox.ini",
    "noxfile.py",
    "pytest.ini",
    "*.test.[jt]s",
    "*.test.[jt]sx",
    "*.spec.[jt]s",
    "*.spec.[jt]sx",
    "*_testing.py",
    "**/settings/test.py",
    "**/settings/testing.py",
    "**/settings/ci.py",
    "settings_ci.py",
    # CI and development environments.
    ".github/",
    ".gitlab/",
    ".gitlab-ci.yml",
    ".circleci/",
    ".travis.yml",
    ".drone.yml",
    ".woodpecker/",
    ".woodpecker.yml",
    ".buildkite/",
    "azure-pipelines.yml",
    "bitbucket-pipelines.yml",
    "Jenkinsfile",
    ".devcontainer/",
    "*compose*.ci.y*ml",
    "*compose*.ci-*.y*ml",
    "*compose*.test.y*ml",
    "*compose*.test-*.y*ml",
    "*compose*-test.y*ml",
    "*compose*-ci.y*ml",
    "*compose*.dev.y*ml",
    "*compose*.dev-*.y*ml",
    "*compose*-dev.y*ml",
    "**/settings/dev.py",
    "**/settings/development.py",
    "Vagrantfile",
    "/dev/",
    # Local blockchain networks for development (`docker/regtest/`: bitcoind/lnd/eclair regression-test nodes).
    "regtest/",
    # Documentation.
    "docs/",
    "doc/",
    "documentation/",
    "*.md",
    "*.rst",
    # Examples and templates of files that users copy and fill in.
    "example/",
    "examples/",
    "sample/",
    "samples/",
    "*.example",
    "*.example.*",
    "*.sample",
    "*.dist",
)


class TestPathPolicy:
    """Gitignore-style patterns, matched against paths relative to the project root."""

    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        self._spec = pathspec.GitIgnoreSpec.from_lines(self.patterns)

    def matches(self, rel: str) -> bool:
        return bool(self.patterns) and self._spec.match_file(rel.replace("\\", "/"))


@lru_cache(maxsize=8)
def policy_for(patterns: tuple[str, ...]) -> TestPathPolicy:
    return TestPathPolicy(patterns)


def is_test_path(rel: str) -> bool:
    """Whether the default policy counts `rel` (relative to the project root) as test, CI, docs or example code."""
    return policy_for(DEFAULT_TEST_PATHS).matches(rel)
