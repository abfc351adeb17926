from django.urls import path

from coffeechat.interchange import views

urlpatterns = [
    path("import/", views.import_start, name="import_start"),
    path("import/<str:run_id>/", views.import_detail, name="import_detail"),
    path("import/<str:run_id>/columns/", views.import_mapping, name="import_mapping"),
    path("import/<str:run_id>/options/", views.import_options, name="import_options"),
    path("import/<str:run_id>/apply/", views.import_apply, name="import_apply"),
    path("import/<str:run_id>/cancel/", views.import_discard, name="import_discard"),
    path("import/<str:run_id>/undo/", views.import_undo, name="import_undo"),
    path("export/", views.export_page, name="export_page"),
    path("export/<str:fmt>/", views.export_download, name="export_download"),
]
