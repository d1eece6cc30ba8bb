"""The Idempotency-Key fingerprint: the same request gives the same one, any change in the
method, path, a field or a file gives another; a form's files are read in chunks and rewound
(never ``get_data()`` of the whole body), or taken from a spool that hashed them already."""
import hashlib
import io

from flask import Flask

from kabinet_kit.idempotency import request_fingerprint


def _fingerprint(app, path="/things", method="POST", fields=None, document=b"%PDF-1.7 one", **kw):
    data = {**(fields or {"title": "Диплом"}), "document": (io.BytesIO(document), "a.pdf")} if document is not None \
        else fields
    with app.test_request_context(path, method=method, data=data, **kw):
        from flask import request
        fingerprint = request_fingerprint()
        if document is not None:
            assert request.files["document"].stream.read() == document  # rewound for the view
        return fingerprint


def test_fingerprints_follow_every_part_of_a_form():
    app = Flask(__name__)
    same = _fingerprint(app)
    assert _fingerprint(app) == same
    assert _fingerprint(app, document=b"%PDF-1.7 two") != same
    assert _fingerprint(app, fields={"title": "Грамота"}) != same
    assert _fingerprint(app, path="/others") != same
    assert _fingerprint(app, method="PUT") != same


def test_json_bodies_are_fingerprinted_whole():
    app = Flask(__name__)
    assert _fingerprint(app, document=None, json={"a": 1}) == _fingerprint(app, document=None, json={"a": 1})
    assert _fingerprint(app, document=None, json={"a": 1}) != _fingerprint(app, document=None, json={"a": 2})


def test_a_spool_that_hashed_the_file_is_not_read_again():
    app = Flask(__name__)

    class Hashed(io.BytesIO):
        def content_sha256(self) -> bytes:
            return hashlib.sha256(self.getvalue()).digest()

        def read(self, *args):  # the fingerprint must not read it
            raise AssertionError("read again")

    class SpoolingRequest(app.request_class):
        def _get_file_stream(self, *args, **kwargs):
            return Hashed()

    app.request_class = SpoolingRequest
    with app.test_request_context("/things", method="POST", data={"document": (io.BytesIO(b"%PDF x"), "a.pdf")}):
        spooled = request_fingerprint()
    plain = Flask(__name__)
    with plain.test_request_context("/things", method="POST", data={"document": (io.BytesIO(b"%PDF x"), "a.pdf")}):
        assert request_fingerprint() == spooled
