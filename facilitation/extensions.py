"""Extensions, created unbound and bound to the app in `create_app`."""

from __future__ import annotations

from flask_babel import Babel
from flask_compress import Compress
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_wtf import CSRFProtect

socketio = SocketIO()
babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()
