"""A named constant command becomes `shlex.split(...)`, importing shlex once."""

import subprocess

CLEAN = "make clean"
BUILD = "make -j4 all"


def build():
    subprocess.run(CLEAN, shell=True)  # $ PAT301
    subprocess.run(BUILD, shell=True)  # $ PAT301
