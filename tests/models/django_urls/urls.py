from django.http import HttpResponse
from django.template import engines
from django.urls import path
from django.utils.html import escape


def greet(request):  # $ source=remote
    name = request.GET.get("name", "")
    return HttpResponse("<p>" + name + "</p>")  # $ sink=html


def greet_safe(request):
    name = request.GET.get("name", "")
    return HttpResponse("<p>" + escape(name) + "</p>")  # ok: escaped


def _template_of(request):
    return request.POST["template"]  # $ source=remote


def render(request):
    return HttpResponse(engines["django"].from_string(_template_of(request)).render())  # $ sink=template


urlpatterns = [path("greet/", greet), path("safe/", greet_safe), path("render/", render)]
