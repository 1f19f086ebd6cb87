import subprocess

import strawberry


@strawberry.type
class Query:
    @strawberry.field
    def ping(self, host: str) -> str:  # $ source=remote
        return subprocess.check_output("ping -c 1 " + host, shell=True).decode()  # $ sink=command

    @strawberry.field
    def version(self) -> str:
        return subprocess.check_output("git describe", shell=True).decode()  # ok: a constant command


def helper(host: str) -> str:
    return subprocess.check_output(["ping", "-c", "1", host]).decode()  # ok: not a resolver
