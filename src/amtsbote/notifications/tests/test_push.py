"""Web push through a push service on loopback: VAPID checked, payload decrypted (RFC 8291)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from amtsbote.audit.models import AuditEvent
from amtsbote.core.exceptions import ValidationFailed
from amtsbote.doc_requests.services import ItemSpec, doc_request_create
from amtsbote.notifications.constants import PushStatus
from amtsbote.notifications.models import PushNotification, PushSubscription
from amtsbote.notifications.push import (
    SubscriptionData,
    endpoint_allowed,
    push_notify,
    push_subscribe,
    vapid_public_key,
)

pytestmark = pytest.mark.django_db

SOCIAL_DATA = ["Anna", "Schmidt", "Kontoauszüge", "96201BG0012345", "955D123456", "Becker"]


def subscribe(user, service) -> PushSubscription:
    return push_subscribe(
        user=user,
        data=SubscriptionData.from_json(service.subscription()),
        user_agent="Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
    )


def ask_for_statements(case, team, caseworker, deadline=None):
    return doc_request_create(
        case=case,
        team=team,
        created_by=caseworker,
        items=[ItemSpec(label="Kontoauszüge der letzten drei Monate")],
        message="Bitte senden Sie uns die Kontoauszüge, Frau Schmidt.",
        deadline=deadline,
    )


def test_new_document_request_push_arrives_decrypted_in_ukrainian(
    customer_anna,
    case_anna,
    team_leistung,
    caseworker_ben,
    push_service,
    django_capture_on_commit_callbacks,
):
    customer_anna.language = "uk"
    customer_anna.save(update_fields=["language"])
    subscription = subscribe(customer_anna, push_service)

    with django_capture_on_commit_callbacks(execute=True):
        request = ask_for_statements(case_anna, team_leistung, caseworker_ben)

    assert push_service.rejected == []
    assert len(push_service.received) == 1
    push = push_service.received[0]
    with translation.override("uk"):
        title = gettext("You have a new task in the portal")
        body = gettext("Open the portal to see what is needed and by when.")
    assert title == "У вас нове завдання на порталі"  # translated, not the English msgid
    assert push.payload == {
        "title": title,
        "body": body,
        "url": reverse("portal:request", args=[request.uuid]),
        "tag": "doc_request_created",
    }
    for word in [*SOCIAL_DATA, request.deadline.strftime("%d.%m.%Y")]:
        assert word not in push.plaintext
    # Signed with our VAPID key for this push service, kept a day, normal urgency.
    assert push.vapid_public_key == vapid_public_key()
    assert push.vapid_claims["aud"] == push_service.origin
    assert push.headers["ttl"] == "86400"
    assert push.headers["urgency"] == "normal"
    subscription.refresh_from_db()
    assert subscription.last_success_at is not None
    notification = PushNotification.objects.get(recipient=customer_anna)
    assert notification.status == PushStatus.SENT
    assert notification.delivered_to == [subscription.pk]
    assert AuditEvent.objects.filter(action="notifications.push.sent").count() == 1


def test_every_device_gets_it_and_other_households_none(
    customer_anna,
    customer_carl,
    case_anna,
    team_leistung,
    caseworker_ben,
    push_service,
    django_capture_on_commit_callbacks,
):
    phone, laptop = subscribe(customer_anna, push_service), subscribe(customer_anna, push_service)
    carls = subscribe(customer_carl, push_service)

    with django_capture_on_commit_callbacks(execute=True):
        ask_for_statements(case_anna, team_leistung, caseworker_ben)

    paths = sorted(push.path for push in push_service.received)
    assert paths == sorted(s.endpoint.removeprefix(push_service.origin) for s in (phone, laptop))
    assert carls.endpoint.removeprefix(push_service.origin) not in paths
    # German (Anna's default language) this time.
    assert push_service.received[0].payload["title"] == "Sie haben eine neue Aufgabe im Portal"


def test_gone_subscription_is_removed(
    customer_anna,
    case_anna,
    team_leistung,
    caseworker_ben,
    push_service,
    django_capture_on_commit_callbacks,
):
    gone, working = subscribe(customer_anna, push_service), subscribe(customer_anna, push_service)
    push_service.answer(gone.endpoint, 410)

    with django_capture_on_commit_callbacks(execute=True):
        ask_for_statements(case_anna, team_leistung, caseworker_ben)

    assert list(PushSubscription.objects.filter(user=customer_anna)) == [working]
    event = AuditEvent.objects.get(action="notifications.push_subscription.delete")
    assert event.actor is None
    assert len(push_service.received) == 1
    assert PushNotification.objects.get().status == PushStatus.SENT


def test_server_error_is_kept_and_recorded(
    customer_anna,
    case_anna,
    team_leistung,
    caseworker_ben,
    push_service,
    django_capture_on_commit_callbacks,
):
    failing = subscribe(customer_anna, push_service)
    push_service.answer(failing.endpoint, 503)

    with django_capture_on_commit_callbacks(execute=True):
        ask_for_statements(case_anna, team_leistung, caseworker_ben)

    failing.refresh_from_db()  # still there: a push service's outage is not the device's end
    assert "503" in failing.last_error
    notification = PushNotification.objects.get()
    # The immediate task backend cannot run a retry later: the push ends as failed.
    assert notification.status == PushStatus.FAILED
    assert notification.attempts == 1


def test_retry_is_scheduled_with_a_deferring_backend(
    settings,
    customer_anna,
    case_anna,
    team_leistung,
    caseworker_ben,
    push_service,
    django_capture_on_commit_callbacks,
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult, get_date_max

    from amtsbote.notifications.push import push_send

    failing = subscribe(customer_anna, push_service)
    push_service.answer(failing.endpoint, 503)
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_statements(case_anna, team_leistung, caseworker_ben)
    notification = PushNotification.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        push_send(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.status == PushStatus.QUEUED
    queued = DBTaskResult.objects.filter(task_path__endswith="send_push_notification")
    assert queued.count() == 2  # the first send, and the retry a minute later
    retry = [r.run_after for r in queued if r.run_after != get_date_max()]
    assert len(retry) == 1
    assert retry[0] > timezone.now() + dt.timedelta(seconds=30)

    push_service.answer(failing.endpoint, 201)  # the service is back
    push_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == PushStatus.SENT
    assert notification.attempts == 2
    assert len(push_service.received) == 1
    push_send(notification_id=notification.pk)  # safe to run twice: nothing sent again
    assert len(push_service.received) == 1


def test_no_devices_no_push(customer_anna, case_anna, team_leistung, caseworker_ben):
    ask_for_statements(case_anna, team_leistung, caseworker_ben)
    assert not PushNotification.objects.exists()


@pytest.mark.parametrize(
    ("endpoint", "allowed"),
    [
        ("https://fcm.googleapis.com/fcm/send/abc:APA91b", True),
        ("https://updates.push.services.mozilla.com/wpush/v2/gAAAA", True),
        ("https://web.push.apple.com/QGuQyavXutnMH", True),
        ("https://wns2-par02p.notify.windows.com/w/?token=BQYAAA", True),
        ("http://fcm.googleapis.com/fcm/send/abc", False),
        ("https://push.services.mozilla.com.evil.example/wpush", False),
        ("https://evil.example/?fcm.googleapis.com", False),
        ("https://user@fcm.googleapis.com/fcm/send/abc", False),
        ("https://127.0.0.1/wpush", False),
        ("http://127.0.0.1:8000/wpush", False),
        ("http://169.254.169.254/latest/meta-data", False),
        ("file:///etc/passwd", False),
    ],
)
def test_only_known_push_services_by_default(endpoint, allowed):
    assert endpoint_allowed(endpoint) is allowed


def test_unknown_push_service_is_refused_with_a_clear_message(customer_anna, push_service):
    data = push_service.subscription()
    data["endpoint"] = "http://10.0.0.5/internal"
    with pytest.raises(ValidationFailed) as refused, translation.override("en"):
        push_subscribe(user=customer_anna, data=SubscriptionData.from_json(data))
    assert "push service is not one we may contact" in refused.value.message
    assert not PushSubscription.objects.exists()


def test_bad_keys_are_refused(customer_anna, push_service):
    data = push_service.subscription()
    data["keys"]["p256dh"] = "AAAA"
    with pytest.raises(ValidationFailed):
        push_subscribe(user=customer_anna, data=SubscriptionData.from_json(data))


def test_a_shared_device_moves_to_the_account_that_subscribes(
    customer_anna, customer_carl, push_service
):
    data = push_service.subscription()
    first = push_subscribe(user=customer_anna, data=SubscriptionData.from_json(data))
    again = push_subscribe(user=customer_carl, data=SubscriptionData.from_json(data))
    assert again.pk == first.pk
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [customer_carl.pk]


def test_deadline_reminder_goes_out_once(
    customer_anna,
    case_anna,
    team_leistung,
    caseworker_ben,
    push_service,
    django_capture_on_commit_callbacks,
):
    customer_anna.language = "ar"
    customer_anna.save(update_fields=["language"])
    subscribe(customer_anna, push_service)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        request = ask_for_statements(
            case_anna, team_leistung, caseworker_ben, deadline=today + dt.timedelta(days=5)
        )
    assert len(push_service.received) == 1  # the new task

    with django_capture_on_commit_callbacks(execute=True):
        call_command("doc_request_reminders")  # five days ahead: too early
    assert len(push_service.received) == 1

    # Noon of the day the reminder is due. The deadline is not always today + 5: one that
    # falls on a weekend or holiday moves to the next working day (§ 26 SGB X).
    due_day = request.deadline - dt.timedelta(days=settings.PUSH_DEADLINE_REMINDER_DAYS)
    noon = timezone.make_aware(dt.datetime.combine(due_day, dt.time(12)))
    with time_machine.travel(noon, tick=False):
        for _ in range(2):  # runs every hour; reminds once
            with django_capture_on_commit_callbacks(execute=True):
                call_command("doc_request_reminders")

    assert len(push_service.received) == 2
    reminder = push_service.received[1].payload
    with translation.override("ar"):
        assert reminder["title"] == gettext("A deadline in your portal ends soon")
    assert reminder["url"] == reverse("portal:request", args=[request.uuid])
    assert reminder["tag"] == "doc_request_deadline"
    assert push_service.received[1].headers["urgency"] == "high"
    for word in SOCIAL_DATA:
        assert word not in push_service.received[1].plaintext


def test_keyed_push_is_remembered_without_devices(customer_anna, push_service):
    assert push_notify(recipient=customer_anna, template="message_new", path="/p/", key="k1")
    assert (
        push_notify(recipient=customer_anna, template="message_new", path="/p/", key="k1") is None
    )


def test_new_message_push_carries_no_content(
    customer_anna, caseworker_ben, team_leistung, push_service, django_capture_on_commit_callbacks
):
    from amtsbote.messaging.services import thread_start_by_staff

    customer_anna.language = "tr"
    customer_anna.save(update_fields=["language"])
    subscribe(customer_anna, push_service)
    with django_capture_on_commit_callbacks(execute=True):
        thread = thread_start_by_staff(
            person=customer_anna.person,
            team=team_leistung,
            subject="Ihr Termin",
            body="Bitte kommen Sie am Montag, Frau Schmidt.",
            actor=caseworker_ben,
        )

    assert len(push_service.received) == 1
    push = push_service.received[0]
    with translation.override("tr"):
        assert push.payload["title"] == gettext("You have a new message")
    assert push.payload["url"] == reverse("portal:thread", args=[thread.uuid])
    for word in [*SOCIAL_DATA, "Termin", "Montag"]:
        assert word not in push.plaintext
