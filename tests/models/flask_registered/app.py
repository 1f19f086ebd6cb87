import subprocess

from flask import Blueprint, Flask, request

blueprint = Blueprint("tools", __name__)


def make_view(command):
    def view():
        target = request.args.get("target", "")  # $ source=remote
        subprocess.run(command + " " + target, shell=True)  # $ sink=command
        return "done"

    return view


def status():
    return "<p>" + request.args.get("name", "") + "</p>"  # $ source=remote sink=html


def quiet():
    return "<p>ok</p>"  # ok: nothing from the request


blueprint.add_url_rule("/ping", "ping", make_view("ping -c 1"))
blueprint.add_url_rule("/status", "status", status)
blueprint.add_url_rule("/quiet", view_func=quiet)
app = Flask(__name__)
app.register_blueprint(blueprint)
