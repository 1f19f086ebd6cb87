import html
import subprocess
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)  # $ source=remote
        name = query.get("name", [""])[0]
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(("<p>" + name + "</p>").encode())  # $ sink=html
        self.wfile.write(("<p>" + html.escape(name) + "</p>").encode())  # ok: escaped

    def do_POST(self):
        length = int(self.headers["Content-Length"])  # ok: a number
        body = self.rfile.read(length).decode()  # $ source=remote
        subprocess.run("echo " + body, shell=True)  # $ sink=command
        subprocess.run(["echo", str(length)])  # ok: no shell, a number


def serve():
    HTTPServer(("127.0.0.1", 8000), Handler).serve_forever()
