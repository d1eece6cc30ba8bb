"""A rating page's places (ties ranked equally across the page's edge) and the upload spool
(hashed and counted as written, refused when too big, nothing left behind)."""
import hashlib
import io
from datetime import date, timedelta

import pytest

from kabinet_kit.errors import InvalidInput
from kabinet_portfolio.points import DEFAULT_COEFFICIENTS, anniversaries, full_years, time_bucket
from kabinet_portfolio.ratings import places_on_page
from kabinet_portfolio.store import DocumentStore


def test_places_on_a_page_rank_ties_equally_and_continue_from_the_offset():
    assert places_on_page([900, 900, 500, 400, 400, 100], 0, 0) == [1, 1, 3, 4, 4, 6]
    # The page starts inside a tie: its first row shares the place of those before it.
    assert places_on_page([400, 400, 100], 3, 2) == [3, 3, 6]
    assert places_on_page([700], 10, 10) == [11]
    assert places_on_page([], 5, 0) == []


def _pdf() -> bytes:
    from reportlab.pdfgen import canvas
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, invariant=1)
    c.drawString(72, 720, "Diploma")
    c.showPage()
    c.save()
    return buffer.getvalue()


def test_a_spooled_upload_is_placed_by_its_hash_without_a_second_copy(tmp_path):
    store = DocumentStore(tmp_path / "docs")
    data = _pdf()
    spool = store.spool(2 * 1024 * 1024)
    for n in range(0, len(data), 1000):
        spool.write(memoryview(data)[n:n + 1000])
    assert spool.content_sha256() == hashlib.sha256(data).digest()
    stored = store.ingest(spool, 2 * 1024 * 1024)
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
    assert store.path(stored.sha256).read_bytes() == data
    spool.close()
    assert list(store.files()) == [stored.sha256]  # the staging file is gone, the document stays
    # Any other stream is spooled first and gives the same document.
    assert store.ingest(io.BytesIO(data), 2 * 1024 * 1024) == stored


def test_a_spool_over_the_limit_is_refused_and_leaves_nothing(tmp_path):
    store = DocumentStore(tmp_path / "docs")
    spool = store.spool(2048)
    data = _pdf()
    spool.write(data + b" " * 4096)
    assert spool.size == len(data) + 4096
    with pytest.raises(InvalidInput) as refused:
        store.ingest(spool, 2048)
    assert "document" in refused.value.errors
    spool.close()
    assert list(store.files()) == [] and not any((tmp_path / "docs").iterdir())


def test_anniversaries_split_dates_by_full_years_as_the_scoring_does():
    for today in (date(2028, 2, 29), date(2027, 3, 1), date(2026, 12, 31), date(2026, 1, 1)):
        days = anniversaries(DEFAULT_COEFFICIENTS, today)
        for n in range(0, 2200):
            on = today - timedelta(days=n)
            bucket = sum(on <= day for day in days)  # how the set-based recompute picks the coefficient
            assert bucket == time_bucket(DEFAULT_COEFFICIENTS, full_years(on, today)), (today, on)


def test_an_abandoned_spool_of_an_aborted_upload_leaves_nothing(tmp_path):
    import gc
    store = DocumentStore(tmp_path / "docs")
    spool = store.spool(2048)
    spool.write(b"%PDF-1.7 half a body")
    path = spool.path
    del spool  # the parser gave up on the body: nobody closes it
    gc.collect()
    assert not path.exists()
