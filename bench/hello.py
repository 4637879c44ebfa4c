"""The baseline of bench/run.py: a bare Flask hello-world, served by gunicorn exactly like the
service (2 sync workers on loopback) in the same run, so the service's throughput and latency
are read as ratios against what Flask and gunicorn cost on this machine at this moment.

    gunicorn -w 2 -k sync -b 127.0.0.1:8101 --chdir bench hello:app"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
