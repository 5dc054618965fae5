"""Form pieces the UI shares: Jalali date inputs, list inputs, custom fields, and service errors on fields.

Forms only parse what people type; the rules live in the services, whose errors land back on the fields.
"""

import datetime as dt
from decimal import Decimal

from django import forms
from django.conf import settings
from django.db import models
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peyvand.core import jalali, money, registry
from peyvand.core.customfields import fields_for
from peyvand.core.errors import PeyvandError
from peyvand.core.models import CustomFieldType
from peyvand.core.permissions import can_choose_owner
from peyvand.core.records import assignable_users


class LocalDateInput(forms.TextInput):
    """Shows the date in the user's calendar; Jalali in Persian."""

    def __init__(self, with_time: bool = False, attrs=None):
        self.with_time = with_time
        picker = {"data-picker": "datetime" if with_time else "date"}  # static/peyvand/datepicker.js
        super().__init__(
            {"dir": "ltr", "autocomplete": "off", "class": "date-input", **picker, **(attrs or {})}
        )

    def format_value(self, value):
        if isinstance(value, dt.datetime):
            return jalali.input_datetime(value)
        if isinstance(value, dt.date):
            return jalali.input_date(value)
        return value

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        now = timezone.localtime()
        example = (
            jalali.input_datetime(now.replace(hour=14, minute=30))
            if self.with_time
            else jalali.input_date(now.date())
        )
        # the example in the page's digits: a Persian page shows none of the other language's
        context["widget"]["attrs"].setdefault(
            "placeholder", jalali.persian_digits(example) if jalali.uses_jalali() else example
        )
        context["widget"]["attrs"]["data-picker-label"] = _("Pick from a calendar")
        return context


class LocalDateField(forms.Field):
    """A date typed in Jalali (Persian page) or Gregorian (English page); Persian digits welcome."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", LocalDateInput())
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return jalali.parse_date(str(value), jalali=jalali.uses_jalali())[0]
        except jalali.DateOutOfRange as exc:
            raise forms.ValidationError(str(exc)) from None
        except ValueError:
            raise forms.ValidationError(self._example()) from None

    def _example(self) -> str:
        if jalali.uses_jalali():
            return _("Enter a date such as 1404/09/04.")
        return _("Enter a date such as 2025-11-25.")


class LocalDateTimeField(LocalDateField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", LocalDateInput(with_time=True))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value
        try:
            date, hour, minute = jalali.parse_date(str(value), jalali=jalali.uses_jalali())
        except jalali.DateOutOfRange as exc:
            raise forms.ValidationError(str(exc)) from None
        except ValueError:
            raise forms.ValidationError(self._example()) from None
        naive = dt.datetime.combine(date, dt.time(hour or 9, minute or 0))
        return timezone.make_aware(naive)

    def _example(self) -> str:
        if jalali.uses_jalali():
            return _("Enter a date and time such as 1404/09/04 14:30.")
        return _("Enter a date and time such as 2025-11-25 14:30.")


class MoneyInput(forms.TextInput):
    """An amount in the display unit, digits grouped as they are typed (money.js), the unit written beside it.

    ``currency_input`` names the form's currency input, whose choice changes the unit shown.
    """

    def __init__(self, attrs=None, currency_input: str = ""):
        self.currency = settings.PEYVAND_DEFAULT_CURRENCY
        self.currency_input = currency_input
        super().__init__(
            {
                "dir": "ltr",
                "inputmode": "decimal",
                "autocomplete": "off",
                "class": "money-input",
                **(attrs or {}),
            }
        )

    def format_value(self, value):
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return money.input_value(value, self.currency)
        return value

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "data-money": ""}
        if self.currency_input:
            attrs["data-currency-input"] = self.currency_input
        field = super().render(name, value, attrs, renderer)
        return format_html(
            '<span class="money-field">{}<span class="money-unit" data-rial-unit="{}">{}</span></span>'
            '<script src="{}" defer></script>',
            field,
            money.unit_label(money.RIAL),
            money.unit_label(self.currency),
            static("peyvand/money.js"),
        )


class MoneyField(forms.Field):
    """An amount typed in the display unit (Toman for Rial by default), stored in Rial; Persian digits and any
    thousands separators accepted. Cleans to the stored amount; the form sets ``currency`` before cleaning."""

    widget = MoneyInput

    def __init__(self, *args, currency: str | None = None, currency_input: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.currency_input = currency_input
        self.currency = currency or settings.PEYVAND_DEFAULT_CURRENCY

    @property
    def currency(self) -> str:
        return self._currency

    @currency.setter
    def currency(self, value: str | None) -> None:
        self._currency = (value or settings.PEYVAND_DEFAULT_CURRENCY).strip().upper()[:3]
        self.widget.currency = self._currency

    def to_python(self, value):
        try:
            return money.from_input(value, self.currency, field=str(self.label) if self.label else None)
        except money.MoneyInputError as exc:
            raise forms.ValidationError(exc.message) from None


def money_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The model's fields that hold money, as its record type's registration marks them."""
    record_type = registry.for_model(model)
    return tuple(f.name for f in record_type.fields if f.money) if record_type else ()


class ListField(forms.CharField):
    """Several values in one box, separated by commas or new lines (phones, e-mails, tags)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", gettext_lazy("Separate several with commas."))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [p.strip() for p in text.replace("،", ",").replace("\n", ",").split(",") if p.strip()]


def add_custom_fields(form: forms.Form, entity: str, current: dict | None) -> None:
    """Add one input per custom field of ``entity``, named ``cf_<key>``."""
    for field in fields_for(entity):
        kwargs = {"label": field.label, "required": field.required}
        if field.field_type == CustomFieldType.CHOICE:
            form_field = forms.ChoiceField(choices=[("", "—")] + [(c, c) for c in field.choices], **kwargs)
        elif field.field_type == CustomFieldType.BOOLEAN:
            form_field = forms.NullBooleanField(**{**kwargs, "required": False})
        elif field.field_type == CustomFieldType.DATE:
            form_field = LocalDateField(**kwargs)
        elif field.field_type == CustomFieldType.NUMBER:
            form_field = forms.DecimalField(**kwargs)
        else:
            form_field = forms.CharField(max_length=1000, **kwargs)
        form.fields[f"cf_{field.key}"] = form_field
        if current and field.key in current:
            value = current[field.key]
            if field.field_type == CustomFieldType.DATE:
                value = dt.date.fromisoformat(value)
            form.initial[f"cf_{field.key}"] = value


def form_values(form: forms.Form) -> dict:
    """The cleaned data as service values: custom fields gathered into ``custom``."""
    values, custom = {}, {}
    for name, value in form.cleaned_data.items():
        if name.startswith("cf_"):
            custom[name[3:]] = (
                value.isoformat()
                if isinstance(value, dt.date)
                else (str(value) if value is not None and not isinstance(value, bool) else value)
            )
        elif name != "version":
            values[name] = value
    if any(n.startswith("cf_") for n in form.fields):
        values["custom"] = {k: v for k, v in custom.items()}
    return values


def add_service_errors(form: forms.Form, error: PeyvandError) -> None:
    """Put a service's refusal on the fields it names, the rest above the form."""
    if not error.errors:
        form.add_error(None, str(error.message))
        return
    for item in error.errors:
        field = item.get("field") or None
        if field and field.startswith("custom."):
            field = "cf_" + field.split(".", 1)[1]
        if field not in form.fields:
            field = None
        form.add_error(field, str(item["message"]))


def _form_field(db_field, **kwargs):
    label = db_field.verbose_name
    if db_field.name == "tags" or isinstance(db_field, models.JSONField):
        return ListField(label=label)
    if isinstance(db_field, models.DateTimeField):
        return LocalDateTimeField(label=label, required=False)
    if isinstance(db_field, models.DateField):
        return LocalDateField(label=label, required=not db_field.blank)
    return db_field.formfield(**kwargs)


class RecordForm(forms.Form):
    """A form for one owned record, its inputs made from the model's fields (labels, lengths, choices).

    Initial values come from the record; record choices are limited to what the user may see.
    """

    model: type[models.Model]
    field_names: tuple[str, ...] = ()
    entity: str = ""

    def __init__(self, data=None, *, user, instance=None, initial=None):
        self.user = user
        self.instance = instance
        super().__init__(data)
        generated = forms.fields_for_model(
            self.model, fields=self.field_names, formfield_callback=_form_field
        )
        self.fields = {n: self.fields[n] if n in self.fields else generated[n] for n in self.field_names}
        if instance is not None:
            for name in self.field_names:
                value = getattr(instance, name)
                self.initial[name] = list(value.values_list("name", flat=True)) if name == "tags" else value
        self._money_inputs(data, instance)
        self._field_notes(instance)
        self._limit_choices()
        if self.entity:
            add_custom_fields(self, self.entity, instance.custom if instance is not None else None)
        self.initial.update(initial or {})

    def _money_inputs(self, data, instance) -> None:
        """Money fields become inputs in the display unit of the record's currency (the one submitted, if any)."""
        currency = str(
            (data or {}).get("currency")
            or self.initial.get("currency")
            or getattr(instance, "currency", "")
            or settings.PEYVAND_DEFAULT_CURRENCY
        )
        for name in money_fields(self.model):
            if name not in self.fields:
                continue
            old = self.fields[name]
            self.fields[name] = MoneyField(
                label=old.label,
                required=old.required,
                initial=old.initial,
                help_text=old.help_text,
                currency=currency,
                currency_input="currency" if "currency" in self.fields else "",
            )

    def _field_notes(self, instance) -> None:
        """What apps above say about a field (registry.field_notes), shown under it beside its own help."""
        for name, form_field in self.fields.items():
            notes = registry.field_notes(self.model, instance, name)
            if notes:
                form_field.help_text = " ".join(str(n) for n in (form_field.help_text, *notes) if n)

    def _limit_choices(self) -> None:
        for name, form_field in list(self.fields.items()):
            if not isinstance(form_field, forms.ModelChoiceField):
                continue
            manager = form_field.queryset.model._default_manager
            if name == "owner":
                if not can_choose_owner(self.user):
                    del self.fields[name]
                    continue
                form_field.queryset = assignable_users(self.user)
                form_field.required = False
            elif hasattr(manager, "visible_to"):
                form_field.queryset = manager.visible_to(self.user)
