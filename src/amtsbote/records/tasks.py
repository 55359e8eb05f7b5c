from django_tasks import task

from .services import disposal_files_remove, retention_propose


@task()
def disposal_files_remove_task(proposal_id: int) -> None:
    disposal_files_remove(proposal_id=proposal_id)


@task(priority=-20)  # the nightly retention run: after everything people wait for
def retention_propose_task() -> None:
    retention_propose()


@task()
def disposal_execute_task(proposal_id: int) -> None:
    """Carry out an approved proposal (after the approval committed); safe to run twice."""
    from .constants import ProposalStatus
    from .models import DisposalProposal
    from .services import disposal_execute

    proposal = DisposalProposal.objects.get(pk=proposal_id)
    if proposal.status == ProposalStatus.APPROVED:
        disposal_execute(proposal=proposal, actor=proposal.decided_by)
