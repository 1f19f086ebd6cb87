from fastapi import FastAPI
from flask import Flask

app = Flask(__name__)
app.config["DEBUG"] = True  # $ CFG101

admin = Flask("admin")
admin.debug = True  # $ CFG101

api = Flask("api")
api.config.update(DEBUG=True, TESTING=False)  # $ CFG101

service = FastAPI(debug=True)  # $ CFG101
