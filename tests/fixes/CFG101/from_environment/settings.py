import os

# The default is on: only a human can say what the environment sets where the app runs.
DEBUG = os.environ.get("APP_DEBUG", "1") == "1"  # $ CFG101
