"""The floor for latency figures: a one-route Flask app served exactly like Arpenteur.

Whatever `bare /` costs is the price of gunicorn, Flask and the loopback client; the
difference between it and an Arpenteur route is what Arpenteur itself adds.
"""

from flask import Flask


def create_app():
    app = Flask(__name__)

    @app.route("/")
    def ok():
        return "ok"

    return app
