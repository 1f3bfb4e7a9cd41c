"""Extensions, created unbound here and bound to an app in `create_app()`.

`python app.py`, the blueprints and the Socket.IO handlers all import these same
objects, so there is exactly one socketio server and one database handle per process.
"""

from flask_babel import Babel
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect
from peewee import DatabaseProxy

db = DatabaseProxy()
socketio = SocketIO()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
