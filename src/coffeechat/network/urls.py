from django.urls import path

from coffeechat.network.views import contacts, organizations

urlpatterns = [
    path("contacts/", contacts.contact_list, name="contact_list"),
    path("contacts/new/", contacts.contact_create, name="contact_create"),
    path("contacts/bulk/", contacts.contacts_bulk, name="contacts_bulk"),
    path("contacts/suggestions/", contacts.contact_suggestions, name="contact_suggestions"),
    path("contacts/<str:contact_id>/", contacts.contact_detail, name="contact_detail"),
    path("contacts/<str:contact_id>/edit/", contacts.contact_edit, name="contact_edit"),
    path("contacts/<str:contact_id>/delete/", contacts.contact_delete, name="contact_delete"),
    path("contacts/<str:contact_id>/merge/", contacts.contact_merge, name="contact_merge"),
    path("organizations/", organizations.organization_list, name="organization_list"),
    path("organizations/new/", organizations.organization_create, name="organization_create"),
    path(
        "organizations/<str:organization_id>/",
        organizations.organization_detail,
        name="organization_detail",
    ),
    path(
        "organizations/<str:organization_id>/edit/",
        organizations.organization_edit,
        name="organization_edit",
    ),
    path(
        "organizations/<str:organization_id>/delete/",
        organizations.organization_delete,
        name="organization_delete",
    ),
]
