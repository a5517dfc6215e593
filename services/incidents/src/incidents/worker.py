"""The incidents worker: relays the outbox to Redis and runs the service's scheduled jobs.

Run with `arq incidents.worker.WorkerSettings`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from arq import func

from incidents.config import get_settings
from incidents.duplicates.jobs import FIND_DUPLICATES_JOB, find_duplicates_job
from incidents.focus.jobs import CRON_JOBS as FOCUS_CRON_JOBS
from incidents.patrols.jobs import CRON_JOBS as PATROLS_CRON_JOBS
from incidents.tables import idempotency_keys, infrastructure
from incidents.workflow.jobs import CRON_JOBS as WORKFLOW_CRON_JOBS
from pingan_shared.queue import INCIDENTS_QUEUE, deserialize, redis_settings, serialize
from pingan_shared.worker import ServiceWorker

service_worker = ServiceWorker("incidents-worker", get_settings, infrastructure, idempotency_keys)


class WorkerSettings:
    """arq settings of the incidents worker."""

    functions: ClassVar[list[Any]] = [func(find_duplicates_job, name=FIND_DUPLICATES_JOB)]
    cron_jobs: ClassVar[list[Any]] = [
        *service_worker.cron_jobs(minute=17),
        *WORKFLOW_CRON_JOBS,
        *PATROLS_CRON_JOBS,
        *FOCUS_CRON_JOBS,
    ]
    on_startup = service_worker.startup
    on_shutdown = service_worker.shutdown
    queue_name = INCIDENTS_QUEUE
    redis_settings = redis_settings(get_settings().redis_url)
    job_serializer = serialize
    job_deserializer = deserialize
    health_check_interval = 30
