from django.urls import path

from eldercare.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("2fa/setup/", views.otp_setup, name="otp_setup"),
    path("2fa/verify/", views.otp_verify, name="otp_verify"),
    path("users/", views.user_list, name="user_list"),
    path("tokens/", views.token_list, name="token_list"),
    path("permissions/", views.permission_matrix, name="permission_matrix"),
]
