import html

from sanic import Sanic
from sanic.response import html as html_response
from sanic.response import redirect, text

app = Sanic("demo")


@app.get("/hello/<name>")
async def hello(request, name):  # $ source=remote
    return html_response("<p>" + name + "</p>")  # $ sink=html


@app.get("/plain/<name>")
async def plain(request, name):
    return text("hello " + name)  # ok: text/plain


@app.route("/go")
async def go(request):  # $ source=remote
    if request.args.get("safe"):
        return html_response("<p>" + html.escape(request.args.get("next", "")) + "</p>")  # ok: escaped
    return redirect(request.args.get("next", "/"))  # $ sink=redirect
