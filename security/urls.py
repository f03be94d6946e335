from django.urls import path

from security import views

urlpatterns = [
    path("accounts/two-factor/", views.two_factor_settings, name="two_factor"),
    path("accounts/two-factor/enrol/", views.two_factor_enrol, name="two_factor_enrol"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/backup-codes/", views.backup_codes, name="two_factor_backup_codes"),
    path("accounts/two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("organisations/<int:pk>/sign-in/", views.sign_in_policy, name="sign_in_policy"),
    path("organisations/<int:pk>/sign-in/unlock/", views.unlock_member, name="sign_in_unlock"),
]
