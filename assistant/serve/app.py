"""``python app.py`` / ``assistant run``: build the index if needed, then serve the page and the
HTTP API on ASSISTANT_HOST:ASSISTANT_PORT."""

from __future__ import annotations

import logging
import sys

from assistant.errors import AssistantError
from assistant.serve.boundary import cli_error
from assistant.serve.live import LiveAssistant
from assistant.settings import Settings

TITLE = "政策问答助手"


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    try:
        settings = Settings.from_env()
        live = LiveAssistant(settings).start()
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
