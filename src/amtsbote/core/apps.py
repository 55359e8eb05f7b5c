from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "amtsbote.core"
    label = "core"

    def ready(self) -> None:
        from django_tasks.signals import task_finished

        from .logs import structlog_configure
        from .metrics import task_finished_observe

        structlog_configure()
        # Task durations, in the worker process that ran them (metrics are multiprocess).
        task_finished.connect(task_finished_observe, dispatch_uid="amtsbote-task-metrics")
