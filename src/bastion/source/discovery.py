"""Walk the scanned paths and decide which files the scan reaches.

Honours `.gitignore` files at every level (and `.git/info/exclude`), the configured excludes (gitignore syntax,
relative to the project root), skips virtual environments (a directory holding `pyvenv.cfg`), never follows a
symlink out of the scanned tree, and never loops.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from bastion.core.notice import Notice, NoticeKind
from bastion.source.files import FileReadError, file_kind, read_text_file

# Files whose extension says they are not text: skipped without a notice, they are expected in any tree.
BINARY_SUFFIXES = frozenset(
    {
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".bmp",
        ".ico",
        ".webp",
        ".tiff",
        ".psd",
        ".svgz",
        ".mp3",
        ".mp4",
        ".wav",
        ".ogg",
        ".flac",
        ".avi",
        ".mov",
        ".mkv",
        ".webm",
        ".zip",
        ".gz",
        ".tgz",
        ".bz2",
        ".xz",
        ".7z",
        ".rar",
        ".tar",
        ".whl",
        ".egg",
        ".jar",
        ".war",
        ".pyc",
        ".pyo",
        ".pyd",
        ".so",
        ".dll",
        ".dylib",
        ".exe",
        ".bin",
        ".o",
        ".a",
        ".class",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".eot",
        ".pdf",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".ppt",
        ".pptx",
        ".sqlite",
        ".sqlite3",
        ".db",
        ".parquet",
        ".npy",
        ".npz",
        ".pkl",
        ".pickle",
        ".h5",
        ".onnx",
        ".pt",
        ".pth",
        ".ckpt",
        ".safetensors",
        ".DS_Store",
    }
)
PYTHON_SUFFIXES = frozenset({".py", ".pyw"})
# Far above any real ignore file.
IGNORE_FILE_LIMIT = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file the scan reaches: its absolute path, its path relative to the project root, and its size.

    `content`, when set, is analysed instead of the file's bytes: `bastion fix` scans its edits before it writes.
    """

    path: Path
    rel: str
    size: int
    content: str | None = None

    @property
    def suffix(self) -> str:
        return os.path.splitext(self.rel)[1].lower()

    @property
    def is_python(self) -> bool:
        return self.suffix in PYTHON_SUFFIXES

    @property
    def is_known_binary(self) -> bool:
        return self.suffix in BINARY_SUFFIXES


@dataclass
class Discovery:
    files: list[SourceFile] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    skipped_by_exclude: int = 0
    skipped_by_gitignore: int = 0


@dataclass(frozen=True, slots=True)
class _IgnoreFile:
    base: str  # directory of the .gitignore, relative to the project root ("" for the root)
    spec: pathspec.GitIgnoreSpec


def path_excluded(spec: pathspec.GitIgnoreSpec, rel: str) -> bool:
    """Whether `rel` (a file path relative to the root) or one of its directories matches `spec`: what the
    walker would have skipped, for paths that come from elsewhere (git's index, git history)."""
    parts = rel.split("/")
    return any(spec.match_file("/".join(parts[:depth]) + "/") for depth in range(1, len(parts))) or spec.match_file(rel)


def relative_to_root(path: Path, root: Path) -> str:
    """`path` relative to `root` with forward slashes; absolute (POSIX form) when it lies outside. Always valid
    Unicode (see `displayable_name`)."""
    try:
        return displayable_name(path.relative_to(root).as_posix())
    except ValueError:
        return displayable_name(path.as_posix())


def displayable_name(name: str) -> str:
    """`name` with each byte that is not UTF-8 written as `\\xNN`.

    A file name on POSIX is bytes; Python gives the bytes that are not UTF-8 as lone surrogates, which no encoder
    (RE2's, pathspec's, JSON's, the terminal's) accepts. The relative path of a file is what every matcher and
    report sees, so it is made valid here, once; the file is still read through its real path.
    """
    if name.isascii():
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class Walker:
    def __init__(
        self,
        root: Path,
        excludes: Sequence[str],
        *,
        respect_gitignore: bool = True,
    ) -> None:
        self.root = root
        self.excludes = list(excludes)
        self.exclude_spec = pathspec.GitIgnoreSpec.from_lines(excludes)
        self.respect_gitignore = respect_gitignore
        self.result = Discovery()
        self._seen_dirs: set[tuple[int, int]] = set()

    def walk(self, targets: Sequence[Path]) -> Discovery:
        seen_files: set[str] = set()
        for target in targets:
            self._walk_target(target, seen_files)
        self.result.files.sort(key=lambda f: f.rel)
        return self.result

    # -- targets -------------------------------------------------------------------------------------------

    def _walk_target(self, target: Path, seen_files: set[str]) -> None:
        rel = relative_to_root(target, self.root)
        try:
            st = target.lstat()
        except OSError as exc:
            self._notice(NoticeKind.UNREADABLE, rel, f"cannot read: {exc.strerror or exc}")
            return
        if stat.S_ISLNK(st.st_mode):
            resolved = self._check_symlink(target, rel)
            if resolved is None:
                return
            target, st = resolved, resolved.stat()
        if stat.S_ISDIR(st.st_mode):
            # An explicitly named directory is scanned even if an exclude pattern or a .gitignore above it
            # matches it: scanning nothing, silently, is the worst answer to an explicit request.
            ignores = self._ignore_files_above(target)
            if rel not in ("", ".") and self._gitignored(rel, True, ignores):
                self._notice(
                    NoticeKind.INFO, rel, "ignored by a .gitignore above it; scanned because it was named explicitly"
                )
                ignores = []
            if rel not in ("", ".") and self._excluded(rel, True):
                self._walk_excluded_target(target, rel, ignores, seen_files)
            else:
                self._walk_dir(target, self._dir_rel(target), ignores, seen_files)
        elif stat.S_ISREG(st.st_mode) and rel not in seen_files:
            seen_files.add(rel)
            self.result.files.append(SourceFile(target, rel, st.st_size))

    def _walk_excluded_target(self, target: Path, rel: str, ignores: list[_IgnoreFile], seen_files: set[str]) -> None:
        """An explicitly named directory that an exclude pattern covers (`examples` in the project's config, and
        `bastion scan examples/app`): the patterns that cover it do not apply inside it, the others still do."""
        self._notice(NoticeKind.INFO, rel, "excluded by the configuration; scanned because it was named explicitly")
        kept = [p for p in self.excludes if not pathspec.GitIgnoreSpec.from_lines([p]).match_file(rel + "/")]
        outer = self.exclude_spec
        self.exclude_spec = pathspec.GitIgnoreSpec.from_lines(kept)
        try:
            self._walk_dir(target, self._dir_rel(target), ignores, seen_files)
        finally:
            self.exclude_spec = outer

    def _ignore_files_above(self, directory: Path) -> list[_IgnoreFile]:
        """The .gitignore files between the project root and `directory` (exclusive) also apply inside it."""
        if not self.respect_gitignore:
            return []
        chain: list[_IgnoreFile] = []
        chain.extend(self._load_ignore(self.root / ".git" / "info" / "exclude", ""))
        try:
            parts = directory.resolve().relative_to(self.root.resolve()).parts
        except ValueError:
            return chain
        current = self.root
        for part in ("", *parts[:-1]) if parts else ():
            current = current / part if part else current
            chain.extend(self._load_ignore(current / ".gitignore", relative_to_root(current, self.root)))
        return chain

    def _load_ignore(self, path: Path, base: str) -> list[_IgnoreFile]:
        try:
            lines = read_text_file(path, max_size=IGNORE_FILE_LIMIT, errors="replace").splitlines()
        except FileReadError as error:
            # A link, a FIFO, a device or an enormous file: its patterns do not apply (more is scanned, not less).
            self._notice(
                NoticeKind.UNREADABLE, relative_to_root(path, self.root), f"{error.reason}; its patterns do not apply"
            )
            return []
        except OSError:
            return []
        spec = pathspec.GitIgnoreSpec.from_lines(lines)
        return [_IgnoreFile("" if base == "." else base, spec)] if spec.patterns else []

    # -- directories ---------------------------------------------------------------------------------------

    def _dir_rel(self, directory: Path) -> str:
        rel = relative_to_root(directory, self.root)
        return "" if rel == "." else rel

    def _walk_dir(
        self,
        directory: Path,
        dir_rel: str,
        ignores: list[_IgnoreFile],
        seen_files: set[str],
        *,
        skip_environment: bool = False,
    ) -> None:
        """Walk `directory` (`dir_rel` relative to the root, "" for the root). The walk passes each directory's
        relative path down and looks for `.gitignore` and `pyvenv.cfg` in the listing it makes anyway: a scan of
        an unchanged tree spends its fixed cost here (no path arithmetic, no failed `open` per directory).
        `skip_environment`: a directory holding `pyvenv.cfg` (a virtual environment) is skipped, not walked."""
        try:
            st = os.stat(directory)
        except OSError:
            return
        key = (st.st_dev, st.st_ino)
        try:
            entries: list[os.DirEntry[str]] | None = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            entries, error = None, exc
        # Names compared without case: where the file system ignores it, `open(".gitignore")` finds `.GitIgnore`.
        names = {entry.name.lower() for entry in entries if entry.name[:1] in ".pP"} if entries is not None else None
        if (
            skip_environment
            and (names is None or "pyvenv.cfg" in names)
            and os.path.exists(os.path.join(directory, "pyvenv.cfg"))
        ):
            self.result.skipped_by_exclude += 1
            return
        if key in self._seen_dirs:
            return
        self._seen_dirs.add(key)
        if self.respect_gitignore and (names is None or ".gitignore" in names):
            ignores = ignores + self._load_ignore(directory / ".gitignore", dir_rel)
        if entries is None:
            self._notice(NoticeKind.UNREADABLE, dir_rel or ".", f"cannot list directory: {error.strerror or error}")
            return
        for entry in entries:
            name = displayable_name(entry.name)
            rel = f"{dir_rel}/{name}" if dir_rel else name
            self._visit_entry(directory, entry, rel, ignores, seen_files)

    def _visit_entry(
        self, directory: Path, entry: os.DirEntry[str], rel: str, ignores: list[_IgnoreFile], seen_files: set[str]
    ) -> None:
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            return
        if is_link:
            # Links are never followed: a target inside the tree is scanned where it lives, one outside is not ours.
            self._check_symlink(directory / entry.name, rel, report_inside=False)
            return
        if self._excluded(rel, is_dir):
            self.result.skipped_by_exclude += 1
            return
        if ignores and self._gitignored(rel, is_dir, ignores):
            self.result.skipped_by_gitignore += 1
            return
        if is_dir:
            self._walk_dir(directory / entry.name, rel, ignores, seen_files, skip_environment=True)
            return
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError as exc:
            self._notice(NoticeKind.UNREADABLE, rel, f"cannot read: {exc.strerror or exc}")
            return
        if not stat.S_ISREG(st.st_mode):
            # A FIFO would block the read, a device would never end it: named, never opened.
            self._notice(NoticeKind.UNREADABLE, rel, f"{file_kind(st.st_mode)}, not a regular file; not read")
        elif rel not in seen_files:
            seen_files.add(rel)
            self.result.files.append(SourceFile(directory / entry.name, rel, st.st_size))

    def _excluded(self, rel: str, is_dir: bool) -> bool:
        return bool(self.exclude_spec.patterns) and self.exclude_spec.match_file(rel + "/" if is_dir else rel)

    @staticmethod
    def _gitignored(rel: str, is_dir: bool, ignores: Iterable[_IgnoreFile]) -> bool:
        # Deeper .gitignore files take precedence over shallower ones, as in git.
        for ignore in reversed(list(ignores)):
            sub = rel[len(ignore.base) + 1 :] if ignore.base else rel
            if ignore.base and not rel.startswith(ignore.base + "/"):
                continue
            result = ignore.spec.check_file(sub + "/" if is_dir else sub)
            if result.include is not None:
                return bool(result.include)
        return False

    # -- symlinks ------------------------------------------------------------------------------------------

    def _check_symlink(self, link: Path, rel: str, *, report_inside: bool = True) -> Path | None:
        """Return the resolved target when it may be scanned; report loops, broken links and escapes."""
        try:
            resolved = link.resolve(strict=True)
        except RuntimeError:
            self._notice(NoticeKind.SYMLINK, rel, "symlink loop; skipped")
            return None
        except OSError as exc:
            if "loop" in str(exc).lower() or getattr(exc, "errno", None) == 40:
                self._notice(NoticeKind.SYMLINK, rel, "symlink loop; skipped")
            else:
                self._notice(NoticeKind.SYMLINK, rel, "broken symlink; skipped")
            return None
        root = self.root.resolve()
        if resolved != root and root not in resolved.parents:
            self._notice(NoticeKind.SYMLINK, rel, f"symlink points outside the scanned tree (to {resolved}); skipped")
            return None
        return resolved if report_inside else None

    def _notice(self, kind: NoticeKind, rel: str, message: str) -> None:
        self.result.notices.append(Notice(kind, message, path=rel))


def discover(
    targets: Sequence[Path],
    root: Path,
    excludes: Sequence[str],
    *,
    respect_gitignore: bool = True,
) -> Discovery:
    """Every regular file under `targets` that the scan should reach, sorted by relative path."""
    return Walker(root, excludes, respect_gitignore=respect_gitignore).walk(targets)
