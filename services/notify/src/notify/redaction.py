"""Keep group-robot keys out of the logs of libraries we do not control.

arq logs each job's arguments (a `send_message` payload holds robot keys) and httpx logs each
request URL (the robot's URL holds its key); both pass through here before they are written.
"""

from __future__ import annotations

import logging
import re

_ROBOT_KEY = re.compile(r"""(['"]?wecom_robot_key['"]?\s*[:=]\s*['"]?)[^'",}\s]+""")
_URL_KEY = re.compile(r"([?&](?:key|access_token|corpsecret|secret)=)[^&\s'\"]+")


def redact_robot_keys(text: str) -> str:
    """`text` with every robot key (payload field or URL parameter) replaced by `***`."""
    return _URL_KEY.sub(r"\1***", _ROBOT_KEY.sub(r"\1***", text))


class RobotKeyFilter(logging.Filter):
    """A logging filter that redacts robot keys from the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without keys; never drops a record."""
        message = record.getMessage()
        redacted = redact_robot_keys(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install_log_redaction() -> None:
    """Attach the filter to the loggers that may print keys."""
    for name in ("arq.worker", "arq.jobs", "httpx"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RobotKeyFilter) for f in logger.filters):
            logger.addFilter(RobotKeyFilter())
    # Provider URLs also carry template parameters (Aliyun signs them into the query string):
    # httpx's line per request is for debugging, not for the service's logs.
    logging.getLogger("httpx").setLevel(logging.WARNING)
