"""DEP rules: the dependency audit. Known vulnerabilities (DEP1xx) and dependency hygiene (DEP2xx).

Manifests are parsed in the per-file workers (`ManifestCollector`); `project.project_dependencies` assembles them
once per scan (includes followed, constraint files set aside, lock files noted) for every DEP rule, and only
DEP101 asks the vulnerability service, once.
"""
