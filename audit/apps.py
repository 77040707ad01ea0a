from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"

    def ready(self) -> None:
        # Sign-in events come from django.contrib.auth's signals: the only place they exist.
        from django.contrib.auth import signals

        from audit import receivers

        signals.user_logged_in.connect(receivers.logged_in, dispatch_uid="audit_logged_in")
        signals.user_logged_out.connect(receivers.logged_out, dispatch_uid="audit_logged_out")
        signals.user_login_failed.connect(receivers.login_failed, dispatch_uid="audit_login_failed")
