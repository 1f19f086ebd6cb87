import html
import subprocess

import falcon


class Greeting:
    def on_get(self, req, resp):  # $ source=remote
        name = req.get_param("name") or ""
        resp.content_type = "text/html"
        resp.text = "<p>" + name + "</p>"  # $ sink=html

    def on_post(self, req, resp):  # $ source=remote
        name = req.get_param("name") or ""
        subprocess.run("notify " + name, shell=True)  # $ sink=command
        resp.text = "<p>" + html.escape(name) + "</p>"  # ok: escaped


class Json:
    def on_get(self, req, resp):
        resp.text = req.get_param("name") or ""  # ok: JSON by default, no HTML content type


app = falcon.App()
app.add_route("/greet", Greeting())
app.add_route("/json", Json())
