import html

from pyramid.config import Configurator
from pyramid.response import Response
from pyramid.view import view_config


@view_config(route_name="hello")
def hello(request):  # $ source=remote
    name = request.params.get("name", "")
    return Response("<p>" + name + "</p>")  # $ sink=html


def safe(request):
    name = request.params.get("name", "")
    return Response("<p>" + html.escape(name) + "</p>")  # ok: escaped


def user_input(request):
    return request.matchdict["name"]  # $ source=remote


def echo(request):
    return Response("<p>" + user_input(request) + "</p>")  # $ sink=html


with Configurator() as config:
    config.add_view(safe, route_name="safe")
    config.add_view(echo, route_name="echo")
