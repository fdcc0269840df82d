"""Standard-library parsers for the data formats a document names.

A 1.5B coder asked for a CSV converter whose document says "quoted fields with commas and
newlines follow the CSV standard" imported `csv` and still split lines on "\\n" and fields on
",", then indexed characters of a row; three repair rounds kept the hand-written splitting.
Told which standard module parses the format, it read the rows with `csv.reader`. JSON is not
listed: every generated file that stored or printed JSON already used `json`.
"""

from __future__ import annotations

import re

from repowright.documents import Document

FORMATS = (
    (
        re.compile(r"\b(?:CSV|TSV)\b|comma-separated|tab-separated", re.I),
        "CSV or TSV: `csv.reader(io.StringIO(text))` or `csv.DictReader` to read (quoted fields "
        "keep their commas and newlines), `csv.writer` to write",
    ),
    (re.compile(r"\bTOML\b"), "TOML: `tomllib.loads(text)`"),
    (re.compile(r"\bINI\b"), "INI: `configparser.ConfigParser`"),
    (re.compile(r"\bXML\b"), "XML: `xml.etree.ElementTree`"),
    (re.compile(r"\bISO[ -]?8601\b", re.I), "ISO 8601 dates and times: `datetime.fromisoformat`"),
    (re.compile(r"\bquery strings?\b", re.I), "URLs and query strings: `urllib.parse`"),
)
"""(what names a format, how the standard library reads and writes it)."""


def standard_parsers(doc: Document | None) -> list[str]:
    """How to read and write each data format the document names, in the table's order."""
    text = doc.full_text() if doc is not None else ""
    return [how for names, how in FORMATS if names.search(text)]
