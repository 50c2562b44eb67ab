from django.urls import path

from articles.security import views

app_name = "security"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("two-factor/set-up/", views.setup, name="setup"),
    path("two-factor/code/", views.verify, name="verify"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("two-factor/turn-off/", views.turn_off, name="turn_off"),
    path("sessions/end/", views.log_out_everywhere, name="log_out_everywhere"),
]
