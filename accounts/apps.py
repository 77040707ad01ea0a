from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete

        from accounts import tokens, two_factor
        from accounts.models import Membership

        user_logged_in.connect(two_factor.on_login, dispatch_uid="accounts_two_factor_gate")
        # Until a service ends memberships, deleting the last one revokes the user's tokens.
        post_delete.connect(
            tokens.on_membership_deleted, sender=Membership, dispatch_uid="accounts_tokens"
        )
