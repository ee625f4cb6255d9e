from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trainer.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from trainer.accounts import signals  # noqa: F401  (connects the receivers)
