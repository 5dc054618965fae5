from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEBSITE = "website", _("Website")
    LANDING_PAGE = "landing_page", _("Landing page")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    REFERRAL = "referral", _("Referral")
    CAMPAIGN = "campaign", _("Campaign")
    SOCIAL = "social", _("Social media")
    EXHIBITION = "exhibition", _("Exhibition")
    IMPORT = "import", _("Import")
    OTHER = "other", _("Other")


# Who a lead or a deal sells to: a segment of the leads and deals lists and of the reports alike.
class Audience(models.TextChoices):
    BUSINESS = "business", _("Businesses")
    CONSUMER = "consumer", _("Consumers")
    GOVERNMENT = "government", _("Government")
