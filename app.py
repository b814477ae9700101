"""政策问答助手 — the web page and its JSON API. A thin entry point: everything lives in
``assistant.serve`` (``assistant.serve.app.main``), so an installed wheel serves the same page."""

from __future__ import annotations

import sys

from assistant.serve.app import main

if __name__ == "__main__":
    sys.exit(main())
