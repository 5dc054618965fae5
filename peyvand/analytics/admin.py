from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from peyvand.analytics import services
from peyvand.analytics.models import KeyAccount, Spend, SurveyResponse
from peyvand.targets.services import clean_amount


class SpendForm(forms.ModelForm):
    """The service's own checks, so a bad month or amount is shown on the form instead of failing the save."""

    class Meta:
        model = Spend
        fields = ("month", "channel", "amount", "team", "note")

    def clean_month(self):
        try:
            return services.clean_month(self.cleaned_data["month"])
        except ValueError:
            raise forms.ValidationError(_("Give the first day of a month.")) from None

    def clean_amount(self):
        try:
            return clean_amount(self.cleaned_data["amount"])
        except ValueError:
            raise forms.ValidationError(_("Enter an amount greater than zero.")) from None


@admin.register(Spend)
class SpendAdmin(admin.ModelAdmin):
    """Saves go through the service, so an operator's entry is checked and audited like any other."""

    form = SpendForm
    list_display = ("month", "channel", "amount", "team", "note")
    list_filter = ("channel", "team")
    date_hierarchy = "month"

    def get_readonly_fields(self, request, obj=None):
        return ("team",) if obj else ()

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in ("month", "channel", "amount", "note")}
        if change:
            saved = services.update_spend(actor=request.user, spend=obj, version=None, values=values)
        else:
            saved = services.record_spend(actor=request.user, team=form.cleaned_data["team"], **values)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.delete_spend(actor=request.user, spend=obj)


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    """For operators to look answers up; people record them over the API or import a CSV file."""

    list_display = ("answered_at", "score", "contact", "channel", "owner")
    list_filter = ("score", "channel", "team")
    readonly_fields = [f.name for f in SurveyResponse._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(KeyAccount)
class KeyAccountAdmin(admin.ModelAdmin):
    list_display = ("company", "potential", "updated_at", "updated_by")
    search_fields = ("company__name",)
    raw_id_fields = ("company",)
    fields = ("company", "potential", "note")

    def get_readonly_fields(self, request, obj=None):
        return ("company",) if obj else ()

    def save_model(self, request, obj, form, change):
        saved = services.set_key_account(
            actor=request.user, company=obj.company, potential=obj.potential, note=obj.note
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.unset_key_account(actor=request.user, company=obj.company)
