"""PAT301 fixes: constant commands that are only words run without a shell."""

import subprocess
from subprocess import check_output

STATUS = "git status --short"


def run_tools(name):
    subprocess.run("git fetch --prune origin", shell=True, check=True)  # $ PAT301
    subprocess.call('ls -l "/var/log/my app"', shell=True)  # $ PAT301
    check_output("du -sh --apparent-size /srv/data", shell=True, text=True)  # $ PAT301
    subprocess.Popen(args="sleep 5", shell=True)  # $ PAT301
    subprocess.run(STATUS, shell=True)  # $ PAT301
    subprocess.run(  # $ PAT301
        "make test",
        shell=True,  # needed on the old build box
        cwd="/srv/app",
    )
    # Shell syntax: the shell is what gives these their meaning; no fix.
    subprocess.run("ls *.py", shell=True)  # $ PAT301
    subprocess.run("cat notes.txt | wc -l", shell=True)  # $ PAT301
    subprocess.run("echo $HOME", shell=True)  # $ PAT301
    subprocess.run("cd /tmp && ls", shell=True)  # $ PAT301
    subprocess.run("FOO=1 env", shell=True)  # $ PAT301
    subprocess.run("cat ~/.profile", shell=True)  # $ PAT301
    subprocess.run("grep 'a b' log # search", shell=True)  # $ PAT301
    subprocess.run("printf hello", shell=True)  # $ PAT301
    subprocess.run(r"echo a\ b", shell=True)  # $ PAT301
    subprocess.run("ls", shell=True, executable="/bin/bash")  # $ PAT301
    subprocess.run(["ls", "-l"])  # ok
