import html
import subprocess

from aiohttp import web

routes = web.RouteTableDef()


@routes.get("/greet")
async def greet(request):  # $ source=remote
    name = request.query.get("name", "")
    return web.Response(text="<p>" + name + "</p>", content_type="text/html")  # $ sink=html


@routes.get("/plain")
async def plain(request):
    name = request.query.get("name", "")
    return web.Response(text="hello " + name)  # ok: text/plain


async def run(request):  # $ source=remote
    data = await request.post()
    subprocess.run("convert " + data["file"], shell=True)  # $ sink=command
    return web.Response(text=html.escape(data["file"]), content_type="text/html")  # ok: escaped


app = web.Application()
app.add_routes(routes)
app.add_routes([web.post("/run", run)])
