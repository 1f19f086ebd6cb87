"""The `bastion` command and `python -m bastion`.

Nothing is imported here before `sys.path` has lost every entry the scanned tree could control (the current
directory above all): see `bastion.isolation`. What Python does before this file runs is out of its reach, and
`docs/security.md` says how to start bastion so that it is safe too.
"""

from bastion.isolation import drop_untrusted_sys_path


def main() -> None:
    drop_untrusted_sys_path()
    from bastion.cli.main import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
