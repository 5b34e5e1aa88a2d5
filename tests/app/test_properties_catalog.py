"""Properties of the catalog a host uploads (app/commerce/catalog.py, ``POST …/catalog``): any bytes, as
CSV or as JSON, are read into products or refused with a 4xx that says what is wrong; never another
exception (schemathesis found a stray carriage return in a CSV answered with a 500). A catalog written
as the CSV a spreadsheet exports, with any line ends, reads back as written."""

from __future__ import annotations

import csv
import io
import unicodedata
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.commerce.catalog import ProductInput, parse_catalog
from app.commerce.errors import CommerceError

PURE = settings(max_examples=300, deadline=None, derandomize=True, database=None)

CSV_PIECES = st.sampled_from(["sku", "title", "price", "stock", ",", '"', "\r", "\n", "\r\n", "\x00", "tee", "1", "-"])
BODIES = st.one_of(
    st.binary(max_size=200),
    st.lists(st.one_of(CSV_PIECES, st.text(max_size=5)), max_size=40).map(lambda p: "".join(p).encode()),
    st.text(max_size=100).map(lambda t: ("sku,title,price,stock\n" + t).encode("utf-8", "surrogatepass")),
)


@PURE
@given(body=BODIES, kind=st.sampled_from(["text/csv", "application/csv; charset=utf-8", "application/json", ""]))
@example(body=b"\x05[\r\xc2\xa5", kind="text/csv")
@example(body=b'sku,title,price,stock\n"tee,T,1,2\n', kind="text/csv")
def test_any_catalog_is_read_or_refused_with_a_4xx(body: bytes, kind: str) -> None:
    read = _read(body, kind)
    if isinstance(read, CommerceError):
        assert 400 <= read.status < 500 and read.message
    else:
        assert all(p.sku and p.title for p in read)


def _read(body: bytes, kind: str) -> list[ProductInput] | CommerceError:
    try:
        return parse_catalog(body, kind)
    except CommerceError as exc:
        return exc


ROWS = st.lists(
    st.tuples(
        st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,20}", fullmatch=True),
        st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=20).filter(str.strip),
        st.decimals(min_value=0, max_value=99999, places=2),
        st.integers(0, 10**6),
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda row: row[0],
)


@PURE
@given(rows=ROWS, line_end=st.sampled_from(["\n", "\r\n", "\r"]))
def test_a_spreadsheets_csv_reads_back_as_written(rows: list[tuple[str, str, Decimal, int]], line_end: str) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=line_end)
    writer.writerow(["sku", "title", "price", "stock"])
    writer.writerows(rows)
    products = parse_catalog(out.getvalue().encode(), "text/csv")
    assert [(p.sku, p.title, p.price_cents, p.stock) for p in products] == [
        (sku, unicodedata.normalize("NFC", title).strip(), int(price * 100), stock) for sku, title, price, stock in rows
    ]
