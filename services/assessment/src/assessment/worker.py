"""The assessment worker: relays the outbox to Redis and runs the service's scheduled jobs.

Run with `arq assessment.worker.WorkerSettings`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from assessment.config import get_settings
from assessment.inspections.jobs import CRON_JOBS as INSPECTION_JOBS
from assessment.tables import idempotency_keys, infrastructure
from pingan_shared.queue import ASSESSMENT_QUEUE, deserialize, redis_settings, serialize
from pingan_shared.worker import ServiceWorker

service_worker = ServiceWorker("assessment-worker", get_settings, infrastructure, idempotency_keys)


class WorkerSettings:
    """arq settings of the assessment worker."""

    functions: ClassVar[list[Any]] = []
    cron_jobs: ClassVar[list[Any]] = [*service_worker.cron_jobs(minute=41), *INSPECTION_JOBS]
    on_startup = service_worker.startup
    on_shutdown = service_worker.shutdown
    queue_name = ASSESSMENT_QUEUE
    redis_settings = redis_settings(get_settings().redis_url)
    job_serializer = serialize
    job_deserializer = deserialize
    health_check_interval = 30
