"""SEC301: secret-holding files tracked by git or not covered by .gitignore."""

from __future__ import annotations

from pathlib import Path

from bastion.api import ScanOptions, scan
from bastion.core.config import BastionConfig
from bastion.secrets.hygiene import git_view, gitignore_covers, hygiene_problems, sensitive_kind, tracked_under
from tests.secrets.gitrepo import GitRepo
from tests.secrets.tokens import private_key, rand

# An environment file counts when it sets a secret-like variable to a real-looking value.
SECRET_ENV = f"DB_PASSWORD={rand(20)}\n"

SENSITIVE = [
    ".env",
    ".env.local",
    "config/prod.env",
    "id_rsa",
    "deploy/id_ed25519",
    "credentials.json",
    "service-account-prod.json",
    "keystore.p12",
    ".pypirc",
    ".netrc",
    "certs/key.pem",
]
NOT_SENSITIVE = [
    ".env.example",
    ".env.sample",
    ".env.template",
    "id_rsa.pub",
    "settings.py",
    "env.py",
    "environment.yml",
    "README.md",
]


def test_sensitive_names() -> None:
    assert all(sensitive_kind(name) for name in SENSITIVE)
    assert not any(sensitive_kind(name) for name in NOT_SENSITIVE)


def test_environment_files_count_only_with_a_secret() -> None:
    assert sensitive_kind(".env", SECRET_ENV.encode()) == "environment file"
    assert sensitive_kind("deploy/.env", f"export API_TOKEN='{rand(24)}'  # prod\n".encode()) == "environment file"
    assert sensitive_kind(".env", b"COMPOSE_PROJECT_NAME=paperless\n") is None
    assert sensitive_kind(".env", b"# DB_PASSWORD=\nDB_PASSWORD=\nSECRET_KEY=changeme\nTOKEN=${TOKEN}\n") is None
    assert sensitive_kind(".flaskenv", b"FLASK_APP=app\n") is None
    assert sensitive_kind("frontend/template.env", SECRET_ENV.encode()) is None


def test_pem_counts_only_with_a_private_key() -> None:
    assert sensitive_kind("server.pem", b"-----BEGIN CERTIFICATE-----\n") is None
    assert sensitive_kind("server.pem", private_key().encode()) == "private key file"


def _codes(root: Path) -> list[tuple[str, str]]:
    result = scan([root], ScanOptions(config=BastionConfig(select=("SEC301",)), root=root, jobs=1))
    return sorted((f.location.path, "tracked" if "tracked" in f.message else "unignored") for f in result.findings)


def test_git_tracked_ignored_and_untracked(tmp_path: Path) -> None:
    git = GitRepo(tmp_path / "repo")
    git.commit("init", **{".env": SECRET_ENV, ".gitignore": "*.local\n", "app.py": "x = 1\n"})
    git.write(".env.local", "B=2\n")  # ignored, untracked: fine
    git.write("id_rsa", private_key())  # untracked, not ignored: the next `git add .` commits it
    git.write("settings.env", SECRET_ENV)
    git.write(".gitignore", "*.local\n.env\nsettings.env\n")  # .env is ignored now, but still tracked
    assert _codes(git.path) == [(".env", "tracked"), ("id_rsa", "unignored")]


def test_without_git_reads_gitignore(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(SECRET_ENV)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".env").write_text(SECRET_ENV)
    (tmp_path / "sub" / ".gitignore").write_text(".env\n")
    (tmp_path / ".env.example").write_text("A=\n")
    assert _codes(tmp_path) == [(".env", "unignored")]
    assert gitignore_covers(tmp_path, "sub/.env") and not gitignore_covers(tmp_path, ".env")


def test_excluded_paths_are_left_alone(tmp_path: Path) -> None:
    git = GitRepo(tmp_path / "repo")
    git.commit("init", **{"vendor__lib__.env": SECRET_ENV, "app.py": "x = 1\n"})
    problems = hygiene_problems(git.path, ["app.py"], excludes=["vendor"])
    assert problems == []


def test_the_tracked_paths_of_a_project_in_a_subdirectory_of_the_repository(tmp_path: Path) -> None:
    git = GitRepo(tmp_path / "repo")
    git.commit("init", **{"sub/.env": SECRET_ENV, "sub/app/x.py": "x = 1\n", "subx/.env": SECRET_ENV, "top.py": ""})
    view = git_view(git.path / "sub")
    assert view is not None and view.tracked == {".env", "app/x.py"}
    assert [(p.rel, p.tracked) for p in hygiene_problems(git.path / "sub", ["app/x.py"])] == [(".env", True)]


def test_tracked_under_is_a_relative_path_test() -> None:
    listed = ["a.py", "sub/x.py", "sub/y/z.env", "subx/q.py", "s/sub/k.py"]
    top = Path("/r")
    assert tracked_under(top, top, listed) == set(listed)
    assert tracked_under(top / "sub", top, listed) == {"x.py", "y/z.env"}
    assert tracked_under(top / "sub" / "y", top, listed) == {"z.env"}
    assert tracked_under(Path("/elsewhere"), top, listed) == set()
