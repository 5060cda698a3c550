# Entry script PyScript runs on every page; the app package arrives via pyscript.json "files".
from app.main import start

start()
