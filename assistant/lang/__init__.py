"""Language: tokens, the one number parser, the genre's patterns, sentence splitting and term
weights. ``DATA_DIR`` holds the dictionaries they read (package data)."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
