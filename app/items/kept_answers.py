"""Answers to anonymous readers of the items, kept by each worker until an item changes.

The public map asks the same questions again and again: every phone that opens it frames
the same neighbourhood, and a pan comes back to boxes already read. What an anonymous
reader is answered depends only on the items (their public texts are prepared on their
rows, app/items/prepared.py), the publicity of the categories, the question (the query
string), the language and the site's address. So each worker keeps its last answers,
each compressed once per encoding, under the item stamp: a value the database changes in
the transaction of any write to an item, whoever makes it (models.ItemStamp). The stamp is
read, with the others (app/stamps.py), before the items: an answer is never older than
the stamp it is kept under, and the first read after a change answers afresh.

A kept answer has a validator (ETag) made from its body: a browser asking again with it is
answered `304 Not Modified`, without the body, until the answer itself changes.
"""

import gzip
import hashlib
import threading
from collections import OrderedDict

import brotli
from flask import Response, current_app, request
from flask_babel import get_locale
from sqlalchemy import select

from app.extensions import db
from app.stamps import register_stamp, stamp

from .models import ItemStamp

register_stamp("items", select(ItemStamp.stamp).where(ItemStamp.id == 1))

# A worker keeps up to this many bytes of answers (bodies and their compressed copies):
# a thousand features of the map are about 180 KB as text and 11 KB compressed.
KEPT_BYTES = 32 * 1024 * 1024


class _Answer:
    """A kept body, its type and validator, and its compressed copies, made when asked."""

    def __init__(self, body, mimetype):
        self.body, self.mimetype = body, mimetype
        self.etag = hashlib.blake2b(body, digest_size=12).hexdigest()
        self.encoded = {}
        self.size = len(body)

    def encoded_as(self, encoding):
        """The body compressed with `encoding` as pages are (the app's compressor levels)."""
        if encoding not in self.encoded:
            config = current_app.config
            self.encoded[encoding] = (
                brotli.compress(self.body, quality=config["COMPRESS_BR_LEVEL"],
                                lgwin=config["COMPRESS_BR_WINDOW"])
                if encoding == "br" else
                gzip.compress(self.body, config["COMPRESS_LEVEL"], mtime=0))
            self.size += len(self.encoded[encoding])
        return self.encoded[encoding]

    def response(self):
        config = current_app.config
        response = Response(self.body, mimetype=self.mimetype)
        encoding = request.accept_encodings.best_match(("br", "gzip"))
        if encoding and len(self.body) >= config["COMPRESS_MIN_SIZE"]:
            response.set_data(self.encoded_as(encoding))
            response.headers["Content-Encoding"] = encoding  # the app's compressor leaves it
            response.vary.add("Accept-Encoding")
        response.set_etag(f"{self.etag}:{encoding}" if encoding else self.etag)
        response.headers["Cache-Control"] = "no-cache"  # kept, but asked again with the ETag
        return response.make_conditional(request)


class _Kept:
    """The answers of one generation (database and stamps), newest used last."""

    def __init__(self, generation):
        self.generation = generation
        self.answers = OrderedDict()
        self.lock = threading.Lock()  # the worker's threads share it

    def get(self, key):
        with self.lock:
            answer = self.answers.get(key)
            if answer is not None:
                self.answers.move_to_end(key)
            return answer

    def keep(self, key, answer):
        with self.lock:
            self.answers[key] = answer
            while sum(kept.size for kept in self.answers.values()) > KEPT_BYTES:
                self.answers.popitem(last=False)


_kept = _Kept(None)


def kept_answer(build):
    """The answer to this anonymous request: kept from an earlier identical request of this
    worker since the items last changed, else `build()` (a Response; kept when 200)."""
    global _kept
    generation = (db.engine.url.render_as_string(), stamp("items"),
                  stamp("category_publicity"))
    kept = _kept
    if kept.generation != generation:
        kept = _kept = _Kept(generation)
    key = (str(get_locale()), request.url_root, request.query_string)
    answer = kept.get(key)
    if answer is None:
        built = build()
        if built.status_code != 200:
            return built
        answer = _Answer(built.get_data(), built.mimetype)
        # Kept in this generation's answers, even if another thread has moved on to a newer
        # one meanwhile: an answer never reaches a generation newer than its stamp.
        kept.keep(key, answer)
    return answer.response()
