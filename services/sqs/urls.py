"""SQS's console pages under /<region>/sqs/ that are no queue type page: the queue list,
Create queue and a queue's details page are the type's declared pages (`Pages` in
resources.py) on the generic URLs."""

from django.urls import path

from services.sqs import views

app_name = "sqs"

urlpatterns = [
    path("queues/<str:name>/send-receive/", views.send_receive, name="send-receive"),
    path("queues/<str:name>/poll/", views.poll, name="poll"),
    path("queues/<str:name>/delete-messages/", views.delete_messages, name="delete-messages"),
    path("queues/<str:name>/delete/", views.delete_queue, name="delete-queue"),
    path("queues/<str:name>/purge/", views.purge_queue, name="purge-queue"),
    path("queues/<str:name>/edit/", views.edit_queue, name="edit-queue"),
    path("queues/<str:name>/redrive/", views.start_redrive, name="start-redrive"),
]
