"""modforge.spec.layout's paths (where a module lives, the way back to the monorepo root, the gateway a worker's
folder names), modforge.spec.grammar's number order, and modforge.documents.doctext's reading of a document's
bytes and conflict markers: literal inputs, literal results."""

from __future__ import annotations

import pytest

from modforge.documents import doctext
from modforge.documents.doctext import MAX_DOCUMENT_BYTES, conflict_marker_lines, readable_text
from modforge.spec import layout
from modforge.spec.grammar import number_order


@pytest.mark.parametrize(
    ("arguments", "folder"),
    [
        (("cred-store",), "modules/cred-store"),
        (("cred-store", "gateway"), "modules/cred-store"),
        (("oagw-apikey", "worker", "oagw"), "modules/oagw/plugins/oagw-apikey"),
        (("oagw-apikey", "worker"), "modules/oagw-apikey"),  # no gateway yet: where any module lives
        (("oagw-apikey", "generic", "oagw"), "modules/oagw-apikey"),  # a gateway matters only to a worker
        (("oagw-apikey", "worker", "oagw", "crates"), "crates/oagw/plugins/oagw-apikey"),
    ],
)
def test_module_dir(arguments, folder):
    assert layout.module_dir(*arguments) == folder


@pytest.mark.parametrize(
    ("category", "gateway", "path"),
    [
        ("generic", "", "../../.."),  # modules/<name>/<crate>/
        ("gateway", "", "../../.."),
        ("worker", "oagw", "../../../../.."),  # modules/oagw/plugins/<name>/<crate>/
        ("worker", "", "../../.."),
        ("generic", "oagw", "../../.."),
    ],
)
def test_crate_to_root(category, gateway, path):
    assert layout.crate_to_root("oagw-apikey", category, gateway) == path


@pytest.mark.parametrize(
    ("destination", "gateway"),
    [
        ("/repo/modules/oagw/plugins/oagw-apikey", "oagw"),
        ("/repo/modules/oagw/plugins/oagw-apikey/", "oagw"),
        ("/repo/modules/oagw/plugins/oagw-apikey/.", "oagw"),
        ("modules\\oagw\\plugins\\oagw-apikey\\", "oagw"),  # a Windows path, trailing separator and all
        ("C:\\work\\modules\\oagw\\plugins\\X", "oagw"),
        ("/repo/modules/oagw/plugins/oagw-apikey/docs/..", "oagw"),
        ("/repo/modules/cred-store", ""),
        ("/repo/modules/oagw/plugins", ""),
        ("/repo/modules/oagw/plugin/oagw-apikey", ""),
        ("/plugins/x", ""),  # no folder above plugins/ to name a gateway
        ("/", ""),
    ],
)
def test_gateway_of(destination, gateway):
    assert layout.gateway_of(destination) == gateway


def test_gateway_of_a_relative_destination_reads_the_working_directory(tmp_path, monkeypatch):
    worker = tmp_path / "modules" / "oagw" / "plugins" / "oagw-apikey"
    worker.mkdir(parents=True)
    monkeypatch.chdir(worker)
    assert layout.gateway_of(".") == "oagw"


@pytest.mark.parametrize(
    ("digits", "key"),
    [("7", (1, "7")), ("007", (1, "7")), ("0010", (2, "10")), ("0", (0, "")), ("000", (0, "")), ("12", (2, "12"))],
)
def test_number_order_reads_digits_as_the_number_they_write(digits, key):
    assert number_order(digits) == key


def test_number_order_orders_numbers_of_any_length():
    numbers = ["10", "9", "0010", "100000000000000000000000", "02", "0"]
    assert sorted(numbers, key=number_order) == ["0", "02", "9", "10", "0010", "100000000000000000000000"]


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("\nline 1\n<<<<<<< ours\nline 3\n=======\nline 5\n>>>>>>> theirs\n", [2, 4, 6]),
        ("\n<<<<<<<\n|||||||\n=======\n>>>>>>>", [1, 2, 3, 4]),  # back to back, the last at the end
        ("\n=======  \n======= x\n========\n<<<<<<<<\n", [1]),  # only a bare `=======` and exact runs of seven
        ("\na\n\n\nb\n<<<<<<< ours\n", [5]),
        ("\nno markers\n", []),
    ],
)
def test_conflict_marker_lines(text, lines):
    assert conflict_marker_lines(text) == lines


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"# Title\r\nText\r\n", "# Title\nText\n"),
        (b"\xef\xbb\xbf# Title\n", "# Title\n"),
        (b"\xff\xfe#\x00 \x00", None),  # UTF-16
        (b"\xfe\xff\x00#", None),
        (b"# Title\n\x00\n", None),  # binary
        (b" \n\t\n", None),  # empty
        (b"caf\xe9\n", None),  # Latin-1, not UTF-8
        (b"\xff# Title\n", None),
    ],
)
def test_readable_text(data, text):
    assert readable_text(data) == text


def test_the_size_limit_is_inclusive(monkeypatch):
    """The limit is inclusive. (A limit of 16 bytes stands in for the real one, which tests/test_parser.py
    checks with 5 MB documents, so that this check costs nothing.)"""
    assert MAX_DOCUMENT_BYTES == 5_000_000
    monkeypatch.setattr(doctext, "MAX_DOCUMENT_BYTES", 16)
    assert readable_text(b"# Sixteen bytes\n") == "# Sixteen bytes\n"
    assert readable_text(b"# Seventeen byte\n") is None
