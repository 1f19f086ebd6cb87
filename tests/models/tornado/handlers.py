import html

import tornado.web


class SearchHandler(tornado.web.RequestHandler):
    def get(self):
        query = self.get_argument("q")  # $ source=remote
        self.write("<h1>" + query + "</h1>")  # $ sink=html
        self.write("<h1>" + html.escape(query) + "</h1>")  # ok: escaped

    def post(self):
        target = self.request.body.decode()  # $ source=remote
        self.redirect(target)  # $ sink=redirect
        self.redirect("/done")  # ok: a local path


class Other:
    def get(self):
        self.write(self.get_argument("q"))  # ok: not a RequestHandler
