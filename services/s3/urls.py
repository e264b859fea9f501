"""S3's console pages, under /<region>/s3/ (S3 is global in the console: every region
shows every bucket). The bucket list, Create bucket and a bucket's page are the bucket
type's declared pages (`Pages` in resources.py) on the generic URLs
(`console:resource-list`, `-create`, `-detail`); routing them here would shadow those."""

from django.urls import path

from services.s3 import views

app_name = "s3"

urlpatterns = [
    path("buckets/<str:bucket>/settings/", views.bucket_settings, name="bucket-settings"),
    path("buckets/<str:bucket>/delete/", views.delete_bucket, name="delete-bucket"),
    path("buckets/<str:bucket>/empty/", views.empty_bucket, name="empty-bucket"),
    path("buckets/<str:bucket>/folder/", views.create_folder, name="create-folder"),
    path("buckets/<str:bucket>/upload/", views.upload, name="upload"),
    path("buckets/<str:bucket>/delete-objects/", views.delete_objects, name="delete-objects"),
    path("buckets/<str:bucket>/object/", views.object_page, name="object"),
    path("buckets/<str:bucket>/download/", views.download, name="download"),
]
