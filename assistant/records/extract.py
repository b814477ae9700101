"""All records of one document: its structures (outline, lists, definitions, responsibilities,
its own metadata) and its table rows. Numeric facts are extracted separately (``facts.py``)."""

from __future__ import annotations

from assistant.ingest.types import Document
from assistant.records.structures import structure_records
from assistant.records.tables import level_definitions, table_rows
from assistant.records.types import Record


def extract_records(doc: Document) -> list[Record]:
    rows = table_rows(doc)
    return [*structure_records(doc), *rows, *level_definitions(rows)]
