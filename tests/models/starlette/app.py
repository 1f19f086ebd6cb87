import html

from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route


async def hello(request):  # $ source=remote
    name = request.query_params.get("name", "")
    return HTMLResponse("<p>" + name + "</p>")  # $ sink=html


async def safe(request):
    name = request.query_params.get("name", "")
    return HTMLResponse("<p>" + html.escape(name) + "</p>")  # ok: escaped


app = Starlette(routes=[Route("/hello", hello), Route("/safe", safe)])
