import subprocess

from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.views import APIView


class ExportView(APIView):
    def post(self, request):  # $ source=remote
        name = request.data["name"]
        subprocess.run("export " + name, shell=True)  # $ sink=command
        subprocess.run(["export", name])  # ok: no shell
        return Response({"ok": True})


@api_view(["GET"])
def report(request):  # $ source=remote
    kind = request.query_params.get("kind", "")
    subprocess.run("report --kind " + kind, shell=True)  # $ sink=command
    if kind in ("daily", "weekly"):
        subprocess.run("report --kind " + kind, shell=True)  # ok: one of two constants
    return Response({"kind": kind})
