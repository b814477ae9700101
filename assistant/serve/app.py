"""``python app.py`` / ``assistant run``: undo an unfinished corpus change, build the index if
needed, then serve the page and the HTTP API on ASSISTANT_HOST:ASSISTANT_PORT."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from assistant.errors import AssistantError
from assistant.serve.boundary import cli_error
from assistant.serve.live import LiveAssistant
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.index.embedding import Embedder

TITLE = "政策问答助手"


def main(embedder: Embedder | None = None) -> int:
    """Start the server. ``embedder`` replaces the default model (the fast tests serve a tiny
    corpus with a hashing embedder through this same function)."""
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # The assistant's own records (logins, undone changes, internal errors with their
    # reference) are kept; libraries stay at warnings.
    logging.getLogger("assistant").setLevel(logging.INFO)
    try:
        settings = Settings.from_env()
        live = LiveAssistant(settings, embedder).start()
    except AssistantError as exc:
        text, code = cli_error(exc)
        print(text, file=sys.stderr)
        return code
    import uvicorn

    from assistant.serve.api import create_app

    app = create_app(live)
    print(f"{TITLE} 已启动：http://{settings.host}:{settings.port}/", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    return 0
