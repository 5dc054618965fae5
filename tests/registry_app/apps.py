from django.apps import AppConfig


class RegistryAppConfig(AppConfig):
    name = "tests.registry_app"
    label = "registry_app"
    verbose_name = "Vehicles"

    def ready(self):
        from tests.registry_app import resources

        resources.register()
