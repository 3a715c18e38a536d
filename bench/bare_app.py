"""The floors for latency figures: a Flask app served exactly like Arpenteur.

`GET /` is the price of gunicorn, Flask and the loopback client; `POST /rows` adds a bare
Flask-SQLAlchemy one-row insert and its commit, on the database Arpenteur's bench uses, in
a table of its own (`bare_row`). The difference between them and an Arpenteur route is what
Arpenteur itself adds.
"""

import os

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class BareRow(db.Model):
    __tablename__ = "bare_row"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", "sqlite://")
    db.init_app(app)
    with app.app_context():
        try:
            db.create_all()
        except SQLAlchemyError:  # the other worker created it at the same moment
            db.session.rollback()

    @app.route("/")
    def ok():
        return "ok"

    @app.route("/rows", methods=["POST"])
    def insert_row():
        row = BareRow(body=(request.get_json(silent=True) or {}).get("body", ""))
        db.session.add(row)
        db.session.flush()
        created = {"id": row.id}
        db.session.commit()
        return jsonify(created), 201

    return app
