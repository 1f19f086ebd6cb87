import cgi
import os
import shlex

form = cgi.FieldStorage()  # $ source=remote
name = form.getfirst("name", "")
os.system("grep " + name + " /var/log/app.log")  # $ sink=command
os.system("grep " + shlex.quote(name) + " /var/log/app.log")  # ok: quoted
