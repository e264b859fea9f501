"""S3's console pages, under /<region>/s3/ (S3 is global in the console: every region
shows every bucket)."""

from django.urls import path

from services.s3 import views

app_name = "s3"

urlpatterns = [
    path("buckets/", views.buckets, name="buckets"),
    path("buckets/create/", views.create_bucket, name="create-bucket"),
    path("buckets/<str:bucket>/", views.bucket_page, name="bucket"),
    path("buckets/<str:bucket>/settings/", views.bucket_settings, name="bucket-settings"),
    path("buckets/<str:bucket>/delete/", views.delete_bucket, name="delete-bucket"),
    path("buckets/<str:bucket>/empty/", views.empty_bucket, name="empty-bucket"),
    path("buckets/<str:bucket>/folder/", views.create_folder, name="create-folder"),
    path("buckets/<str:bucket>/upload/", views.upload, name="upload"),
    path("buckets/<str:bucket>/delete-objects/", views.delete_objects, name="delete-objects"),
    path("buckets/<str:bucket>/object/", views.object_page, name="object"),
    path("buckets/<str:bucket>/download/", views.download, name="download"),
]
