from django_tasks import task

from . import pipeline


@task(priority=10)  # paper waiting to be filed: before background OCR
def scan_file_process(scan_file_id: int) -> None:
    """Process one scanned file; safe to run twice, resumes where a killed run stopped."""
    pipeline.process_scan_file(scan_file_id=scan_file_id)


@task(priority=10)
def scan_files_process(scan_file_ids: list[int]) -> None:
    """Process several scanned files at once (all cores busy); safe to run twice."""
    pipeline.process_scan_files(scan_file_ids)
