"""The WSGI entry point: `gunicorn wsgi:app`. The only module-level app object."""

from incidents import create_app

app = create_app()
