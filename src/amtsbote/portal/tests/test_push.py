"""The devices page: turn push on (the subscription push.js sends), list, remove."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from amtsbote.notifications.models import PushSubscription
from amtsbote.notifications.push import SubscriptionData, push_subscribe, vapid_public_key
from amtsbote.notifications.tests.push_service import LoopbackPushService

pytestmark = pytest.mark.django_db

FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0"
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture(autouse=True)
def _english(anna_client):
    """The assertions read the English msgids (German is the default language)."""
    anna_client.cookies["django_language"] = "en"


@pytest.fixture
def push_service(settings):
    settings.PUSH_ALLOWED_HOSTS = ["http://127.0.0.1"]
    service = LoopbackPushService().start()
    yield service
    service.stop()


def post_subscription(client: Client, data, user_agent: str = FIREFOX_ANDROID):
    return client.post(
        reverse("portal:device_subscribe"),
        data=json.dumps(data),
        content_type="application/json",
        headers={"User-Agent": user_agent, "X-Requested-With": "fetch"},
    )


def test_devices_page_explains_and_offers_the_button(anna_client):
    response = anna_client.get(reverse("portal:devices"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-vapid-key="{vapid_public_key()}"' in html
    assert 'data-testid="push-enable"' in html
    # Without JavaScript the page says why there is no button; the button starts hidden.
    assert "needs JavaScript" in html
    assert "portal/push.js" in html
    assert 'data-testid="push-no-devices"' in html


def test_anonymous_goes_to_login(client, push_service):
    for response in (
        client.get(reverse("portal:devices")),
        post_subscription(client, push_service.subscription()),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert not PushSubscription.objects.exists()


def test_subscribe_then_listed(anna_client, customer_anna, customer_carl, push_service):
    response = post_subscription(anna_client, push_service.subscription())
    assert response.status_code == 201
    assert response.json()["message"] == "Notifications are on for this device."
    push_subscribe(user=customer_carl, data=SubscriptionData.from_json(push_service.subscription()))
    post_subscription(anna_client, push_service.subscription(), user_agent=CHROME_WINDOWS)

    response = anna_client.get(reverse("portal:devices"))
    html = response.content.decode()
    assert html.count('data-testid="push-device"') == 2  # Anna's two, not Carl's
    assert "Firefox on Android" in html
    assert "Chrome on Windows" in html
    assert "No notification delivered yet." in html


def test_devices_page_query_count_does_not_grow(
    anna_client, customer_anna, push_service, django_assert_num_queries
):
    for _ in range(3):
        post_subscription(anna_client, push_service.subscription())
    anna_client.get(reverse("portal:devices"))  # session, messages
    with django_assert_num_queries(4):  # the same for any number of devices
        response = anna_client.get(reverse("portal:devices"))
    assert response.content.decode().count('data-testid="push-device"') == 3


def test_unknown_push_service_is_refused_with_a_clear_message(anna_client, push_service):
    data = push_service.subscription()
    data["endpoint"] = "http://192.168.1.1/admin"
    response = post_subscription(anna_client, data)
    assert response.status_code == 400
    assert "push service is not one we may contact" in response.json()["message"]
    assert not PushSubscription.objects.exists()


def test_malformed_subscription_is_refused(anna_client, push_service):
    for body in ("not json", json.dumps({"endpoint": "x"}), json.dumps([1])):
        response = anna_client.post(
            reverse("portal:device_subscribe"), data=body, content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["ok"] is False


def test_subscribe_needs_csrf(customer_anna, push_service):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer_anna)
    response = post_subscription(client, push_service.subscription())
    assert response.status_code == 403
    assert not PushSubscription.objects.exists()


def test_remove_own_device_without_javascript(anna_client, customer_anna, push_service):
    post_subscription(anna_client, push_service.subscription())
    device = PushSubscription.objects.get(user=customer_anna)

    response = anna_client.post(reverse("portal:device_remove", args=[device.uuid]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("portal:devices")
    assert "Notifications are off for this device." in response.content.decode()
    assert not PushSubscription.objects.exists()


def test_another_users_device_is_not_found(anna_client, customer_carl, push_service):
    carls = push_subscribe(
        user=customer_carl, data=SubscriptionData.from_json(push_service.subscription())
    )
    response = anna_client.post(reverse("portal:device_remove", args=[carls.uuid]))
    assert response.status_code == 404
    assert PushSubscription.objects.filter(pk=carls.pk).exists()


def test_missing_device_is_not_found(anna_client):
    missing = "00000000-0000-4000-8000-000000000000"
    assert anna_client.post(reverse("portal:device_remove", args=[missing])).status_code == 404


def test_remove_anonymous_goes_to_login(client, customer_carl, push_service):
    carls = push_subscribe(
        user=customer_carl, data=SubscriptionData.from_json(push_service.subscription())
    )
    response = client.post(reverse("portal:device_remove", args=[carls.uuid]))
    assert response.status_code == 302
    assert PushSubscription.objects.filter(pk=carls.pk).exists()


def test_remove_needs_post(anna_client, customer_anna, push_service):
    post_subscription(anna_client, push_service.subscription())
    device = PushSubscription.objects.get(user=customer_anna)
    response = anna_client.get(reverse("portal:device_remove", args=[device.uuid]))
    assert response.status_code == 405
    assert PushSubscription.objects.filter(pk=device.pk).exists()


# --- real Chromium ------------------------------------------------------------------------


@pytest.fixture
def chromium_context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_devices_page_script_runs_under_the_csp(chromium_context, live_server, customer_anna):
    """push.js runs (no inline script): it replaces the no-JavaScript text, and without the
    portal app's service worker it says so instead of offering a button that cannot work."""
    from django.conf import settings

    client = Client()
    client.force_login(customer_anna)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    chromium_context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
    )
    page = chromium_context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto("/portal/devices/")
    status = page.get_by_test_id("push-status")
    status.and_(page.locator("[data-state]")).wait_for()
    state = status.get_attribute("data-state")
    assert state in {"ready", "no-service-worker"}
    if state == "ready":  # the app's service worker is there: the button is offered
        assert page.get_by_test_id("push-enable").is_visible()
    else:
        assert "service worker" in status.inner_text()
        assert not page.get_by_test_id("push-enable").is_visible()
    assert not [e for e in errors if "Content Security Policy" in e]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_service_worker_push_handler_shows_the_notification(chromium_context, live_server):
    """sw-push.js in a real service worker: Chromium delivers a push message (DevTools
    protocol) and the worker shows title and body, with the portal URL for the click."""
    chromium_context.grant_permissions(["notifications"], origin=live_server.url)
    page = chromium_context.new_page()
    page.goto("/static/portal/push.js")  # any page of the origin
    cdp = chromium_context.new_cdp_session(page)
    registrations: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(
            r["registrationId"]
            for r in event["registrations"]
            if r["scopeURL"].endswith("/static/portal/") and not r.get("isDeleted")
        ),
    )
    cdp.send("ServiceWorker.enable")
    page.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.register(
                "/static/portal/sw-push.js", {scope: "/static/portal/"});
            await new Promise((resolve) => {
                const worker =
                    registration.installing || registration.waiting || registration.active;
                if (worker.state === "activated") { resolve(); return; }
                worker.addEventListener("statechange", () => {
                    if (worker.state === "activated") { resolve(); }
                });
            });
        }"""
    )
    assert registrations
    payload = {
        "title": "Sie haben eine neue Aufgabe im Portal",
        "body": "Öffnen Sie das Portal.",
        "url": "/portal/requests/00000000-0000-4000-8000-000000000000/",
        "tag": "doc_request_created",
    }
    # A push delivered through the DevTools protocol right after the worker activated is now
    # and then lost (once in a CI run): delivered again, the same tag replaces it.
    shown = None
    for _attempt in range(4):
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": live_server.url,
                "registrationId": registrations[-1],
                "data": json.dumps(payload),
            },
        )
        shown = page.evaluate(
            """async () => {
                const registration =
                    await navigator.serviceWorker.getRegistration("/static/portal/");
                for (let i = 0; i < 25; i += 1) {
                    const notifications = await registration.getNotifications();
                    if (notifications.length) {
                        const n = notifications[0];
                        return {title: n.title, body: n.body, tag: n.tag, url: n.data.url};
                    }
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                return null;
            }"""
        )
        if shown is not None:
            break
    assert shown == {
        "title": payload["title"],
        "body": payload["body"],
        "tag": payload["tag"],
        "url": live_server.url + payload["url"],
    }
