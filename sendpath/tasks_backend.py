"""A django.tasks backend that runs each task on a worker thread of this process, after the
request that enqueued it has been answered. Enough for the mail a page sends (the password
reset); a deployment with a task queue sets TASKS to that instead (docs/deployment.md).
Nothing is kept: a task still queued when the process stops is lost."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import close_old_connections, connections
from django.tasks.backends.immediate import ImmediateBackend

_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sendpath-task")


class ThreadBackend(ImmediateBackend):
    def _execute_task(self, task_result: Any) -> None:  # type: ignore[misc]
        _pool.submit(self._run, task_result)

    def _run(self, task_result: Any) -> None:
        close_old_connections()
        try:
            super()._execute_task(task_result)  # type: ignore[misc]
        finally:
            connections.close_all()
