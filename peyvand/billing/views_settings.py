"""Settings pages of billing: the catalogue's tables (categories, tax classes and rates, customer tiers), price
lists with their prices and quantity breaks (and their CSV/XLSX files), the billing settings, and a customer's
billing profile. Thin: parse, call ``services_catalog``, render; each page checks the section's right again."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from peyvand.billing import importing_catalog, permissions, selectors_catalog, services_catalog
from peyvand.billing.models import (
    BillingProfile,
    BillingSettings,
    CustomerTier,
    PriceList,
    Product,
    ProductCategory,
    TaxClass,
    TaxRate,
)
from peyvand.core import money, registry
from peyvand.core.errors import PeyvandError
from peyvand.core.text import to_ascii_digits
from peyvand.web.forms import LocalDateField, add_service_errors

EMPTY_ROWS = 3


def _catalog_only(user) -> None:
    if not permissions.can_manage_catalog(user):
        raise PermissionDenied


def _plain(value: Decimal) -> str:
    """A decimal as typed: 10, not 1E+1 (what ``normalize()`` alone gives for round numbers)."""
    return f"{value.normalize():f}"


def _errors(exc: PeyvandError) -> dict[str, str]:
    return {str(e.get("field") or ""): str(e["message"]) for e in exc.errors or []} or {"": str(exc.message)}


# ── categories, tax classes and rates, tiers ───────────────────────────────────────────────────────────────────


class CategoryForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    parent = forms.ModelChoiceField(
        label=gettext_lazy("Inside category"), queryset=ProductCategory.objects.all(), required=False
    )


class TaxClassForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    code = forms.CharField(
        label=gettext_lazy("Code"), max_length=30, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    exempt = forms.BooleanField(label=gettext_lazy("Tax-exempt"), required=False)


class TaxRateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100, help_text=gettext_lazy("Such as VAT."))
    percent = forms.CharField(
        label=gettext_lazy("Percent"), widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "decimal"})
    )
    valid_from = LocalDateField(label=gettext_lazy("Valid from"))
    valid_until = LocalDateField(label=gettext_lazy("Valid until"), required=False)


class TierForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=60)
    discount_percent = forms.CharField(
        label=gettext_lazy("Standing discount (%)"),
        initial="0",
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "decimal"}),
    )


# kind → (model, form, service, title)
KINDS = {
    "category": (
        ProductCategory,
        CategoryForm,
        services_catalog.save_category,
        gettext_lazy("Product category"),
    ),
    "tax-class": (TaxClass, TaxClassForm, services_catalog.save_tax_class, gettext_lazy("Tax class")),
    "tier": (CustomerTier, TierForm, services_catalog.save_tier, gettext_lazy("Customer tier")),
}
SERVICE_ARG = {"category": "category", "tax-class": "tax_class", "tier": "tier"}


@login_required
def catalog_view(request):
    """The catalogue's tables on one page, each with a form to add a row."""
    _catalog_only(request.user)
    return render(
        request,
        "billing/settings/catalog.html",
        {
            "categories": selectors_catalog.categories(),
            "tax_classes": selectors_catalog.tax_classes(),
            "tiers": selectors_catalog.tiers(),
            # keyed by the template's names (tax_class, not tax-class, which a template cannot look up)
            "forms": {
                SERVICE_ARG[kind]: spec[1](auto_id=f"id_{SERVICE_ARG[kind]}_%s")
                for kind, spec in KINDS.items()
            },
        },
    )


@login_required
def catalog_item_view(request, kind: str, pk: int | None = None):
    """Add (no pk) or change one row of a catalogue table."""
    _catalog_only(request.user)
    if kind not in KINDS:
        raise Http404
    model, form_class, save, title = KINDS[kind]
    instance = get_object_or_404(model, pk=pk) if pk else None
    initial = {}
    if instance is not None:
        initial = {f: getattr(instance, f) for f in form_class.base_fields}
        for name in ("percent", "discount_percent"):
            if name in initial:
                initial[name] = _plain(initial[name])
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save(actor=request.user, **{SERVICE_ARG[kind]: instance}, values=form.cleaned_data)
        except PeyvandError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("billing-catalog"))
    rates = list(instance.rates.all()) if kind == "tax-class" and instance is not None else None
    return render(
        request,
        "billing/settings/item_form.html",
        {
            "form": form,
            "title": title,
            "instance": instance,
            "kind": kind,
            "rates": rates,
            "rate_form": TaxRateForm(auto_id="id_rate_%s") if rates is not None else None,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def category_delete_view(request, pk: int):
    _catalog_only(request.user)
    try:
        services_catalog.delete_category(
            actor=request.user, category=get_object_or_404(ProductCategory, pk=pk)
        )
    except PeyvandError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Deleted."))
    return HttpResponseRedirect(reverse("billing-catalog"))


@login_required
def tax_rate_view(request, class_pk: int, pk: int | None = None):
    """Add a levy to a tax class, or change one."""
    _catalog_only(request.user)
    tax_class = get_object_or_404(TaxClass, pk=class_pk)
    rate = get_object_or_404(TaxRate, pk=pk, tax_class=tax_class) if pk else None
    initial = {}
    if rate is not None:
        initial = {
            "name": rate.name,
            "percent": _plain(rate.percent),
            "valid_from": rate.valid_from,
            "valid_until": rate.valid_until,
        }
    form = TaxRateForm(
        request.POST if request.method == "POST" else None, initial=initial, auto_id="id_rate_%s"
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_catalog.save_tax_rate(
                actor=request.user, tax_class=tax_class, rate=rate, values=form.cleaned_data
            )
        except PeyvandError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("billing-catalog-item", args=["tax-class", tax_class.pk]))
    return render(
        request,
        "billing/settings/rate_form.html",
        {"form": form, "tax_class": tax_class, "rate": rate},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def tax_rate_delete_view(request, class_pk: int, pk: int):
    _catalog_only(request.user)
    rate = get_object_or_404(TaxRate, pk=pk, tax_class_id=class_pk)
    services_catalog.delete_tax_rate(actor=request.user, rate=rate)
    messages.success(request, _("Deleted."))
    return HttpResponseRedirect(reverse("billing-catalog-item", args=["tax-class", class_pk]))


# ── price lists ─────────────────────────────────────────────────────────────────────────────────────────────────


class PriceListForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    currency = forms.CharField(
        label=gettext_lazy("Currency"),
        max_length=3,
        initial="IRR",
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    tier = forms.ModelChoiceField(
        label=gettext_lazy("Customer tier"), queryset=CustomerTier.objects.all(), required=False
    )
    channel = forms.CharField(
        label=gettext_lazy("Channel"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("A contact source; empty for every channel."),
    )
    valid_from = LocalDateField(label=gettext_lazy("Valid from"), required=False)
    valid_until = LocalDateField(label=gettext_lazy("Valid until"), required=False)
    priority = forms.IntegerField(
        label=gettext_lazy("Priority"),
        initial=0,
        min_value=-1000,
        max_value=1000,
        help_text=gettext_lazy("Of the lists that apply, the highest priority wins."),
    )
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from peyvand.core.choices import Channel

        self.fields["channel"] = forms.ChoiceField(
            label=self.fields["channel"].label,
            choices=[("", "—"), *Channel.choices],
            required=False,
            help_text=self.fields["channel"].help_text,
        )


@login_required
def price_lists_view(request):
    _catalog_only(request.user)
    return render(
        request,
        "billing/settings/price_lists.html",
        {"price_lists": selectors_catalog.price_lists_visible_to(request.user)},
    )


def _posted_rows(request) -> list[dict]:
    """The rows of the prices table as typed (codes, quantities, prices, whether "remove" is ticked)."""
    try:
        count = min(int(to_ascii_digits(request.POST.get("rows", "0"))), services_catalog.MAX_ITEMS + 50)
    except ValueError:
        count = 0
    return [
        {
            "product": request.POST.get(f"product-{index}", "").strip(),
            "min_quantity": request.POST.get(f"min_quantity-{index}", "").strip(),
            "price": request.POST.get(f"price-{index}", "").strip(),
            "remove": request.POST.get(f"remove-{index}") == "1",
        }
        for index in range(max(count, 0))
    ]


def _rows_of(price_list: PriceList | None) -> list[dict[str, str]]:
    if price_list is None:
        return []
    return [
        {
            "product": item.product.code,
            "min_quantity": _plain(item.min_quantity),
            "price": money.input_value(item.price, price_list.currency),
            "remove": False,
        }
        for item in selectors_catalog.price_list_items(price_list)
    ]


def _items_from(rows: list[dict], currency: str) -> tuple[list[dict], dict[int, dict[str, str]], list[int]]:
    """Service items from the typed rows (empty and ticked rows left out), the errors of rows that cannot be
    read by row index, and the row index of each item."""
    codes = dict(Product.objects.values_list("code", "pk"))
    items, errors, index_of = [], {}, []
    for index, row in enumerate(rows):
        if row["remove"] or not (row["product"] or row["price"]):
            continue
        problems = {}
        product = codes.get(to_ascii_digits(row["product"]))
        if product is None:
            problems["product"] = _("No product has this code.")
        price = None
        try:
            price = money.from_input(row["price"], currency, field=_("Price"))
            if price is None:
                problems["price"] = _("This field is required.")
        except money.MoneyInputError as exc:
            problems["price"] = str(exc.message)
        quantity = None
        if row["min_quantity"]:
            try:
                quantity = money.parse_number(row["min_quantity"])
            except (ValueError, ArithmeticError):
                quantity = None
            if quantity is None or quantity <= 0:
                problems["min_quantity"] = _("Write a quantity above zero.")
        if problems:
            errors[index] = problems
            continue
        items.append({"product": product, "min_quantity": quantity or Decimal("1"), "price": price})
        index_of.append(index)
    return items, errors, index_of


@login_required
def price_list_edit_view(request, pk: int | None = None):
    """A price list's fields and its prices: per product, from a quantity up (quantity breaks). "More rows" adds
    empty rows without saving; a row ticked "remove" is left out when saved. The list and its prices are saved
    together or not at all."""
    _catalog_only(request.user)
    price_list = get_object_or_404(PriceList, pk=pk) if pk else None
    initial = {f: getattr(price_list, f) for f in PriceListForm.base_fields} if price_list else {}
    posted = request.method == "POST"
    more = posted and "more" in request.POST
    form = PriceListForm(request.POST if posted and not more else None, initial=initial)
    if more:
        form = PriceListForm(initial={**initial, **request.POST.dict()})
    rows = _posted_rows(request) if posted else _rows_of(price_list)
    row_errors: dict[int, dict[str, str]] = {}
    if posted and not more and form.is_valid():
        currency = (form.cleaned_data.get("currency") or "IRR").strip().upper()
        items, row_errors, index_of = _items_from(rows, currency)
        if not row_errors:
            try:
                with transaction.atomic():
                    saved = services_catalog.save_price_list(
                        actor=request.user, price_list=price_list, values=form.cleaned_data
                    )
                    services_catalog.save_price_list_items(actor=request.user, price_list=saved, items=items)
            except PeyvandError as exc:
                others = []
                for error in exc.errors or []:
                    parts = str(error.get("field") or "").split(".")
                    if len(parts) == 3 and parts[0] == "items" and parts[1].isdigit():
                        index = index_of[int(parts[1]) - 1]
                        row_errors.setdefault(index, {})[parts[2]] = str(error["message"])
                    else:
                        others.append(error)
                if others or not exc.errors:
                    add_service_errors(form, PeyvandError(exc.code, exc.message, errors=others))
            else:
                messages.success(request, _("Price list saved."))
                return HttpResponseRedirect(reverse("billing-price-list-edit", args=[saved.pk]))
    table = [{**row, "errors": row_errors.get(index, {})} for index, row in enumerate(rows)]
    table += [{"product": "", "min_quantity": "", "price": "", "remove": False, "errors": {}}] * (
        EMPTY_ROWS + (5 if more else 0)
    )
    currency = str(request.POST.get("currency") or (price_list.currency if price_list else "IRR")).upper()[:3]
    failed = bool(form.errors or row_errors)
    return render(
        request,
        "billing/settings/price_list_form.html",
        {
            "form": form,
            "price_list": price_list,
            "table": table,
            "row_count": len(table),
            "unit": money.unit_label(currency),
            "codes": Product.objects.filter(active=True).values_list("code", "name")[:2000],
            "failed": failed,
        },
        status=400 if failed else 200,
    )


@login_required
def price_list_export_view(request, pk: int):
    _catalog_only(request.user)
    price_list = get_object_or_404(PriceList, pk=pk)
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    body, content_type = importing_catalog.export_price_list(price_list, file_format)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="price-list-{price_list.pk}.{file_format}"'
    return response


@login_required
def price_list_import_view(request, pk: int):
    """Replace the list's prices with a file's (CSV or XLSX); a wrong row names its row and column and nothing
    is saved."""
    _catalog_only(request.user)
    price_list = get_object_or_404(PriceList, pk=pk)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [{"field": "file", "message": _("Choose a CSV or XLSX file.")}]
        else:
            try:
                count = importing_catalog.import_price_list(
                    actor=request.user, price_list=price_list, upload=upload
                )
            except PeyvandError as exc:
                errors = [
                    {"field": str(e.get("field") or ""), "message": str(e["message"])} for e in exc.errors
                ] or [{"field": "", "message": str(exc.message)}]
            else:
                messages.success(request, _("%(count)s prices imported.") % {"count": count})
                return HttpResponseRedirect(reverse("billing-price-list-edit", args=[price_list.pk]))
    return render(
        request,
        "billing/settings/price_list_import.html",
        {"price_list": price_list, "errors": errors},
        status=400 if errors else 200,
    )


# ── billing settings ────────────────────────────────────────────────────────────────────────────────────────────

SETTINGS_FIELDS = (
    "seller_name",
    "seller_national_id",
    "seller_economic_code",
    "seller_registration_number",
    "seller_postal_code",
    "seller_address",
    "seller_phone",
    "invoice_prefix",
    "credit_note_prefix",
    "quote_prefix",
    "fiscal_calendar",
    "payment_terms_days",
    "quote_valid_days",
    "quote_terms",
    "invoice_terms",
    "rep_discount_ceiling",
    "manager_discount_ceiling",
    "revenue_source",
    "remind_days_before_due",
    "remind_days_after_due",
    "remind_customers",
    "brand_colour",
    "footer",
)
LTR = {
    "seller_national_id",
    "seller_economic_code",
    "seller_registration_number",
    "seller_postal_code",
    "seller_phone",
    "invoice_prefix",
    "credit_note_prefix",
    "quote_prefix",
    "brand_colour",
}


class BillingSettingsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SETTINGS_FIELDS:
            field = BillingSettings._meta.get_field(name)
            if name == "fiscal_calendar":
                form_field = forms.ChoiceField(
                    label=field.verbose_name,
                    choices=[
                        ("jalali", _("Jalali year (from 1 Farvardin)")),
                        ("gregorian", _("Gregorian year")),
                    ],
                )
            elif name == "revenue_source":
                form_field = forms.ChoiceField(
                    label=field.verbose_name,
                    choices=[("deals", _("Won deals")), ("invoices", _("Issued invoices less credit notes"))],
                )
            elif name == "remind_customers":
                form_field = forms.BooleanField(label=field.verbose_name, required=False)
            elif isinstance(field, forms.Field):
                form_field = field
            else:
                # numbers are read by the service (Persian digits too), so every input is text
                widget = (
                    forms.Textarea(attrs={"rows": 3}) if field.get_internal_type() == "TextField" else None
                )
                form_field = forms.CharField(
                    label=field.verbose_name, required=False, **({"widget": widget} if widget else {})
                )
            if name == "seller_address":
                # the model's "address" reads as a session's IP address in Persian (accounts' msgid)
                form_field.label = gettext_lazy("Address")
            if name in LTR:
                form_field.widget.attrs["dir"] = "ltr"
            if name == "brand_colour":
                form_field.widget = forms.TextInput(attrs={"type": "color", "dir": "ltr"})
            self.fields[name] = form_field
        self.fields["logo"] = forms.FileField(
            label=gettext_lazy("Logo"),
            required=False,
            help_text=gettext_lazy("PNG, JPEG, GIF or WebP, at most 512 KB."),
            widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
        )
        self.fields["remove_logo"] = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)


@login_required
def billing_settings_view(request):
    if not permissions.can_change_billing_settings(request.user):
        raise PermissionDenied
    current = BillingSettings.current()
    initial = {}
    for name in SETTINGS_FIELDS:
        value = getattr(current, name)
        initial[name] = _plain(value) if isinstance(value, Decimal) else value
    form = BillingSettingsForm(
        request.POST if request.method == "POST" else None, request.FILES or None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k not in ("logo", "remove_logo")}
        try:
            services_catalog.save_billing_settings(
                actor=request.user,
                values=values,
                logo=form.cleaned_data.get("logo"),
                remove_logo=bool(form.cleaned_data.get("remove_logo")),
            )
        except PeyvandError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Billing settings saved."))
            return HttpResponseRedirect(reverse("billing-settings"))
    return render(
        request,
        "billing/settings/billing.html",
        {"form": form, "current": current},
        status=400 if form.errors else 200,
    )


# ── a customer's billing profile ────────────────────────────────────────────────────────────────────────────────


class BillingProfileForm(forms.Form):
    legal_name = forms.CharField(label=gettext_lazy("Legal name"), max_length=200, required=False)
    national_id = forms.CharField(
        label=gettext_lazy("National id"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"}),
    )
    economic_code = forms.CharField(
        label=gettext_lazy("Economic code"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"}),
    )
    registration_number = forms.CharField(
        label=gettext_lazy("Registration number"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"}),
    )
    postal_code = forms.CharField(
        label=gettext_lazy("Postal code"),
        max_length=14,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"}),
    )
    address = forms.CharField(
        label=gettext_lazy("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    payment_terms_days = forms.CharField(
        label=gettext_lazy("Payment terms (days)"),
        required=False,
        help_text=gettext_lazy("Empty: the billing settings' terms."),
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"}),
    )
    tax_exempt = forms.BooleanField(label=gettext_lazy("Tax-exempt"), required=False)
    tier = forms.ModelChoiceField(
        label=gettext_lazy("Customer tier"), queryset=CustomerTier.objects.all(), required=False
    )
    price_list = forms.ModelChoiceField(
        label=gettext_lazy("Price list"), queryset=PriceList.objects.all(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not permissions.can_manage_catalog(user):
            for name in ("tier", "price_list"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Sales managers and administrators choose this.")


def _customer(request, record_type: str, pk: int):
    if record_type not in ("company", "contact"):
        raise Http404
    found = registry.get(record_type).visible(request.user).filter(pk=pk).first() if 0 < pk < 2**63 else None
    if found is None:
        raise Http404
    return found


@login_required
def billing_profile_view(request, record_type: str, pk: int):
    """The billing profile of a company or contact the user can see."""
    customer = _customer(request, record_type, pk)
    profile = selectors_catalog.billing_profile_of(customer) or BillingProfile()
    initial = {name: getattr(profile, name) for name in BillingProfileForm.base_fields}
    form = BillingProfileForm(
        request.POST if request.method == "POST" else None, initial=initial, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        if not permissions.can_manage_catalog(request.user):
            values.pop("tier", None)
            values.pop("price_list", None)
        try:
            services_catalog.save_billing_profile(actor=request.user, customer=customer, values=values)
        except PeyvandError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Billing profile saved."))
            return HttpResponseRedirect(reverse(f"{registry.get(record_type).plural}:detail", args=[pk]))
    return render(
        request,
        "billing/catalog/profile_form.html",
        {"form": form, "customer": customer, "record_type": registry.get(record_type)},
        status=400 if form.errors else 200,
    )
