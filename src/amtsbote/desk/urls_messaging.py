"""Desk URLs of messages: the team inbox, threads, new message from the case, canned replies."""

from django.urls import path

from .views import messaging

urlpatterns = [
    path("messages/", messaging.team_inbox, name="messages"),
    path("messages/<uuid:thread_uuid>/", messaging.thread_detail, name="thread"),
    path("messages/<uuid:thread_uuid>/reply/", messaging.thread_reply_view, name="thread_reply"),
    path("messages/<uuid:thread_uuid>/assign/", messaging.thread_assign_view, name="thread_assign"),
    path("messages/<uuid:thread_uuid>/close/", messaging.thread_close_view, name="thread_close"),
    path("cases/<uuid:case_uuid>/messages/", messaging.case_threads, name="case_threads"),
    path(
        "cases/<uuid:case_uuid>/messages/new/",
        messaging.thread_start_view,
        name="thread_start",
    ),
    path("canned-replies/", messaging.canned_replies, name="canned_replies"),
    path(
        "canned-replies/<uuid:reply_uuid>/delete/",
        messaging.canned_reply_delete_view,
        name="canned_reply_delete",
    ),
]
