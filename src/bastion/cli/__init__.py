"""The command line: parse arguments, call the API, render, choose the exit code."""
