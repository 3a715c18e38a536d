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

A kept answer has a validator (ETag) made from the bytes sent: a browser asking again with
it is answered `304 Not Modified`, without the body, until the answer itself changes.

Each answer says whether it was kept, in the standard `Cache-Status` header (RFC 9211):
`Arpenteur; hit`, or `Arpenteur; fwd=miss` when the items were read (`; stored` when that
answer is now kept). A proxy's access log of it tells how many reads are first reads after
a change, the only ones that read the items.
"""

import gzip
import hashlib
import threading
from collections import OrderedDict

import brotli
from flask import Response, current_app, request
from flask_babel import get_locale
from sqlalchemy import select

from app.stamps import kept, register_stamp
from app.static_files import chosen_encoding, set_encoded

from .models import ItemStamp
from .public_view import PUBLICITY_ROWS

# What an anonymous reader is shown of the items: the items, and which categories are
# shown at all (an administrator may hide one without any item being written).
register_stamp("public_items", select(ItemStamp.stamp).where(ItemStamp.id == 1),
               PUBLICITY_ROWS)

# A worker keeps up to this many bytes of answers (bodies and their compressed copies):
# a thousand features of the map are about 180 KB as text and 11 KB compressed.
KEPT_BYTES = 32 * 1024 * 1024
CACHE_NAME = "Arpenteur"  # how Cache-Status names the workers' kept answers


def _compressed(body, encoding):
    """`body` compressed with `encoding` ("br" or "gzip") as the app's compressor does."""
    config = current_app.config
    if encoding == "br":
        return brotli.compress(body, quality=config["COMPRESS_BR_LEVEL"],
                               lgwin=config["COMPRESS_BR_WINDOW"])
    return gzip.compress(body, config["COMPRESS_LEVEL"], mtime=0)


class _Answer:
    """A kept body and its type, and each representation sent of it (the body, or the body
    compressed as pages are, at the app compressor's levels) with its validator, made the
    first time it is asked for: compressing is deterministic, so every worker gives the
    same representation the same validator."""

    def __init__(self, body, mimetype):
        self.body, self.mimetype = body, mimetype
        self.sent = {}  # {encoding or None: (bytes, ETag)}

    def size(self):
        return len(self.body) + sum(len(data) for encoding, (data, _etag) in self.sent.items()
                                    if encoding is not None)  # None's data is the body

    def representation(self, encoding):
        if encoding not in self.sent:
            data = self.body if encoding is None else _compressed(self.body, encoding)
            self.sent[encoding] = (data, hashlib.blake2b(data, digest_size=12).hexdigest())
        return self.sent[encoding]

    def response(self):
        response = Response(self.body, mimetype=self.mimetype)
        encoding = chosen_encoding(response)
        data, etag = self.representation(encoding)
        if encoding:
            set_encoded(response, data, encoding)
        response.set_etag(etag)
        response.headers["Cache-Control"] = "no-cache"  # kept, but asked again with the ETag
        return response.make_conditional(request)


class _Kept:
    """The answers kept under one value of the stamp, newest used last, with the bytes each
    held when it was kept (a copy in another encoding made later is not counted: one more
    compressed copy, a tenth of the body)."""

    def __init__(self):
        self.answers = OrderedDict()  # {key: (answer, bytes counted)}
        self.size = 0
        self.lock = threading.Lock()  # the worker's threads share it

    def get(self, key):
        with self.lock:
            kept_answer = self.answers.get(key)
            if kept_answer is None:
                return None
            self.answers.move_to_end(key)
            return kept_answer[0]

    def keep(self, key, answer):
        with self.lock:
            if key in self.answers:
                self.size -= self.answers.pop(key)[1]
            counted = answer.size()
            self.answers[key] = (answer, counted)
            self.size += counted
            while self.size > KEPT_BYTES:
                self.size -= self.answers.popitem(last=False)[1][1]


def kept_answer(build):
    """The answer to this anonymous request: kept from an earlier identical request of this
    worker since the items last changed, else `build()` (a Response; kept when 200)."""
    # Kept under the stamp this transaction read: an answer built here goes to that
    # stamp's answers, even if another thread has moved on to a newer one meanwhile.
    answers = kept("public_items", _Kept)
    key = (str(get_locale()), request.url_root, request.query_string)
    answer = answers.get(key)
    if answer is not None:
        return _with_status(answer.response(), "hit")
    built = build()
    if built.status_code != 200:
        return _with_status(built, "fwd=miss")
    answer = _Answer(built.get_data(), built.mimetype)
    response = answer.response()  # its representation made before it is counted
    answers.keep(key, answer)
    return _with_status(response, "fwd=miss; stored")


def _with_status(response, status):
    """`response` saying how it was answered, as RFC 9211's Cache-Status does."""
    response.headers["Cache-Status"] = f"{CACHE_NAME}; {status}"
    return response
