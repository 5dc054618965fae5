"""Operators configure intake, scoring and assignment here; the insights page sits beside the scoring model."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from peyvand.leads import scoring
from peyvand.leads.models import AssignmentRule, PipelineIntake, ScoringModel, ScoringRule, WebForm


@admin.register(WebForm)
class WebFormAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "source",
        "pipeline",
        "open_deal",
        "use_assignment_rules",
        "default_owner",
        "active",
    )
    list_filter = ("active", "source", "pipeline")
    readonly_fields = ("key", "public_address", "embed_code")
    fields = (
        "name",
        "active",
        "fields",
        "required_fields",
        "source",
        "pipeline",
        "open_deal",
        "use_assignment_rules",
        "default_owner",
        "thank_you",
        "key",
        "public_address",
        "embed_code",
    )

    @admin.display(description=_("public address"))
    def public_address(self, obj):
        if not obj.pk:
            return "—"
        url = reverse("public_form", args=[obj.key])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)

    @admin.display(description=_("code to embed"))
    def embed_code(self, obj):
        # The code with this site's real address, for Persian or English pages, is on the form's settings page.
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("leads-web-form-edit", args=[obj.pk]),
            _("On the form's settings page"),
        )


class ScoringRuleInline(admin.TabularInline):
    model = ScoringRule
    extra = 1
    fields = ("order", "label", "field", "condition", "value", "points")


@admin.register(ScoringModel)
class ScoringModelAdmin(admin.ModelAdmin):
    list_display = ("name", "pipeline", "threshold", "warm_from", "hot_from", "active", "insights_link")
    list_filter = ("active", "pipeline")
    inlines = [ScoringRuleInline]
    readonly_fields = ("insights_link",)

    @admin.display(description=_("insights"))
    def insights_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("scoring_insights", args=[obj.pk]), _("Win rates and suggestions")
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # the rules are saved now: every lead the model scores is scored again in the background
        job = scoring.start_rescore(actor=request.user, model=form.instance)
        messages.info(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("Leads are being re-scored."),
                reverse("job", args=[job.pk]),
                _("Progress"),
            ),
        )


@admin.register(AssignmentRule)
class AssignmentRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "active", "source", "pipeline", "territory", "score_band", "strategy")
    list_editable = ("order", "active")
    list_filter = ("active", "strategy", "source")
    fieldsets = (
        (None, {"fields": ("name", "order", "active")}),
        (
            _("When the lead matches"),
            {"fields": ("source", "pipeline", "territory", "audience", "score_band", "language")},
        ),
        (_("Give it to"), {"fields": ("strategy", "target_user", "target_team", "fallback_owner")}),
    )


@admin.register(PipelineIntake)
class PipelineIntakeAdmin(admin.ModelAdmin):
    list_display = ("pipeline", "open_deal")
