from django_tasks import task

from . import pipeline


@task()
def scan_file_process(scan_file_id: int) -> None:
    """Process one scanned file; safe to run twice, resumes where a killed run stopped."""
    pipeline.process_scan_file(scan_file_id=scan_file_id)
