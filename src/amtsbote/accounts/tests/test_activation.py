import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from amtsbote.accounts.services import (
    activation_code_issue,
    activation_code_redeem,
    activation_code_revoke,
)
from amtsbote.accounts.tests.factories import UserFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.cases.tests.factories import PersonFactory
from amtsbote.core import refcodes
from amtsbote.core.exceptions import ActivationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(case_anna):
    return PersonFactory(case=case_anna, first_name="Mila", last_name="Schmidt")


def test_code_links_account_to_person(person, caseworker_ben):
    activation, code = activation_code_issue(person=person, issued_by=caseworker_ben)
    assert refcodes.is_valid(code) and len(code) == 12
    assert code not in activation.code_digest  # only the digest is stored
    user = UserFactory()
    linked = activation_code_redeem(user=user, code_text=refcodes.group(code).lower())
    assert linked == person
    person.refresh_from_db()
    assert person.user == user
    assert AuditEvent.objects.filter(action="accounts.activation_code.redeem").exists()


def test_code_is_single_use(person, caseworker_ben):
    _, code = activation_code_issue(person=person, issued_by=caseworker_ben)
    activation_code_redeem(user=UserFactory(), code_text=code)
    with pytest.raises(ActivationFailed) as error:
        activation_code_redeem(user=UserFactory(), code_text=code)
    assert error.value.code == "used"


def test_code_expires_after_30_days(person, caseworker_ben):
    _, code = activation_code_issue(person=person, issued_by=caseworker_ben)
    later = timezone.now() + dt.timedelta(days=30, minutes=1)
    with time_machine.travel(later), pytest.raises(ActivationFailed) as error:
        activation_code_redeem(user=UserFactory(), code_text=code)
    assert error.value.code == "expired"


def test_revoked_code_is_refused(person, caseworker_ben):
    activation, code = activation_code_issue(person=person, issued_by=caseworker_ben)
    activation_code_revoke(activation=activation, actor=caseworker_ben)
    with pytest.raises(ActivationFailed) as error:
        activation_code_redeem(user=UserFactory(), code_text=code)
    assert error.value.code == "revoked"


def test_attempts_are_throttled_per_account(person, caseworker_ben):
    _, code = activation_code_issue(person=person, issued_by=caseworker_ben)
    user = UserFactory()
    wrong = refcodes.generate(12)
    for _ in range(5):
        with pytest.raises(ActivationFailed):
            activation_code_redeem(user=user, code_text=wrong)
    with pytest.raises(ActivationFailed) as error:
        activation_code_redeem(user=user, code_text=code)
    assert error.value.code == "throttled"
    person.refresh_from_db()
    assert person.user is None
    # another account is not affected by this one's failures
    assert activation_code_redeem(user=UserFactory(), code_text=code) == person


def test_staff_cannot_redeem(person, caseworker_ben):
    _, code = activation_code_issue(person=person, issued_by=caseworker_ben)
    with pytest.raises(ActivationFailed):
        activation_code_redeem(user=caseworker_ben, code_text=code)
    person.refresh_from_db()
    assert person.user is None
