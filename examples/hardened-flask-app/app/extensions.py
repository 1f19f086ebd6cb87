"""Flask extensions, created here and attached to the app in `create_app`."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
limiter = Limiter(get_remote_address, default_limits=["300 per hour"])
login_manager = LoginManager()
talisman = Talisman()
