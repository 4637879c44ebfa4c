"""The WSGI entry point: `gunicorn wsgi:app`. The only module-level app object."""

from incidents import create_app
from incidents.services import integrity

app = create_app()
integrity.check_on_start(app)  # logs rows without their file, and leftovers of killed writes
