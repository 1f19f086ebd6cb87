"""PAT801 fixes: the debugger switched off where the code switches it on (unsafe: development loses it)."""

from fastapi import FastAPI
from flask import Flask
from werkzeug.serving import run_simple

app = Flask(__name__)
api = FastAPI(debug=True)  # $ PAT801
DEBUG = True

if __name__ == "__main__":
    app.run(host="127.0.0.1", debug=True)  # $ PAT801
    app.run("127.0.0.1", 5000, True)  # $ PAT801
    run_simple("localhost", 5000, app, use_debugger=True, use_reloader=True)  # $ PAT801
    app.run(debug=DEBUG)  # $ PAT801
    app.run(debug=False)  # ok
