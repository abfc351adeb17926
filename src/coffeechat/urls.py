from django.urls import include, path

from coffeechat.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("", include("coffeechat.accounts.urls")),
    path("", include("coffeechat.network.urls")),
    path("", include("coffeechat.interchange.urls")),
    path("", include("coffeechat.conversations.urls")),
    path("", include("coffeechat.outreach.urls")),
    path("", include("coffeechat.followups.urls")),
    path("api/v1/", include("coffeechat.api.urls")),
]
