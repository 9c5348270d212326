"""Log formats for the production settings: one line per record, on stdout.

A traceback spread over thirty lines reaches journald, Docker or a log
shipper as thirty records; here it stays inside its record, with its line
breaks escaped (plain) or inside a JSON string (json).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime


class OneLineFormatter(logging.Formatter):
    """The usual ``logging.Formatter``, with line breaks written as ``\\n``."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\r", "").replace("\n", "\\n")


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        # django.request adds the response's status to its records.
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status_code"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)
