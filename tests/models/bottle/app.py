import html

from bottle import Bottle, redirect, request

app = Bottle()


@app.route("/hello")
def hello():
    name = request.query.get("name", "")  # $ source=remote
    return "<p>" + name + "</p>"  # $ sink=html


def safe():
    name = request.query.get("name", "")
    return "<p>" + html.escape(name) + "</p>"  # ok: escaped


def go():
    redirect(request.forms.get("next"))  # $ source=remote sink=redirect


app.route("/safe", "GET", safe)
app.route("/go", "POST", callback=go)
