import html
from urllib.parse import parse_qs


def application(environ, start_response):  # $ source=remote
    query = parse_qs(environ["QUERY_STRING"])
    name = query.get("name", [""])[0]
    start_response("200 OK", [("Content-Type", "text/html")])
    if environ["PATH_INFO"] == "/safe":
        return [("<p>" + html.escape(name) + "</p>").encode()]  # ok: escaped
    return [("<p>" + name + "</p>").encode()]  # $ sink=html


def not_an_app(settings, callback):
    return [settings["greeting"].encode()]  # ok: not a WSGI signature
