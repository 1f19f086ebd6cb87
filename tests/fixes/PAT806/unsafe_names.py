"""PAT806 fixes: the temporary file is created, not only named (unsafe: the file now exists)."""

import os
import tempfile
from tempfile import mktemp


def export_path():
    return tempfile.mktemp(".csv", "export-", dir="/var/tmp")  # $ PAT806


def scratch():
    return mktemp()  # $ PAT806


def configured(options):
    return tempfile.mktemp(**options)  # $ PAT806


def python2():
    return os.tempnam()  # $ PAT806


def created():
    return tempfile.mkstemp()  # ok
