from quart import Quart, escape, redirect, request

app = Quart(__name__)


@app.route("/hello")
async def hello():
    name = request.args.get("name", "")  # $ source=remote
    return "<p>" + name + "</p>"  # $ sink=html


@app.route("/safe")
async def safe():
    name = request.args.get("name", "")
    return "<p>" + escape(name) + "</p>"  # ok: escaped


@app.post("/go")
async def go():
    form = await request.form  # $ source=remote
    return redirect(form["next"])  # $ sink=redirect
