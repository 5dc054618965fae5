"""Billing: what is sold (products, price lists, taxes), what is offered (quotes), what is owed (invoices and credit
notes) and what is paid (payments and their allocation to invoices).

Amounts are ``Decimal`` in the document's currency, Rial for IRR (decision 0019); a document's lines and totals are
computed by ``billing.amounts`` and stored, so an issued invoice prints tomorrow exactly what it printed today.
A document's customer is its company, else its contact, as a deal's is.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peyvand.core.models import OwnedModel, OwnedQuerySet

AMOUNT = {"max_digits": 20, "decimal_places": 2}
QUANTITY = {"max_digits": 14, "decimal_places": 3}
PERCENT = {"max_digits": 6, "decimal_places": 3}


def _amount(label, **options):
    return models.DecimalField(label, default=Decimal("0"), **AMOUNT, **options)


# ── Catalogue ───────────────────────────────────────────────────────────────────────────────────────────────────


class TaxClass(models.Model):
    """What a product is taxed as ("standard", "exempt"); the rates themselves change with the law (TaxRate)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    exempt = models.BooleanField(_("tax-exempt"), default=False)

    class Meta:
        verbose_name = _("tax class")
        verbose_name_plural = _("tax classes")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class TaxRate(models.Model):
    """One levy of a tax class (VAT, a municipal levy) and the days it applies; a day's rate for a class is the sum
    of its levies valid that day."""

    tax_class = models.ForeignKey(
        TaxClass, verbose_name=_("tax class"), on_delete=models.CASCADE, related_name="rates"
    )
    name = models.CharField(_("name"), max_length=100)
    percent = models.DecimalField(_("percent"), **PERCENT)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("tax rate")
        verbose_name_plural = _("tax rates")
        ordering = ["tax_class", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100), name="tax_rate_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.percent}%"


class ProductCategory(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class CatalogueQuerySet(OwnedQuerySet):
    def visible_to(self, user):
        """The catalogue is the whole company's: everyone signed in and active sees every product (owner and team
        only say who keeps it). Every path that fetches a record by its visibility (pages, API, audit, restore,
        files and comments) reads this."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self


class CatalogueManager(models.Manager.from_queryset(CatalogueQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Product(OwnedModel):
    """A product or service in the catalogue; every member of staff sees it, the catalogue's keepers change it."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    is_service = models.BooleanField(_("service"), default=False)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    price = _amount(_("default price"))
    currency = models.CharField(_("currency"), max_length=3, default=settings.PEYVAND_DEFAULT_CURRENCY)
    tax_class = models.ForeignKey(
        TaxClass,
        verbose_name=_("tax class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    active = models.BooleanField(_("active"), default=True)
    # Sold items carry a serial number (warranties hang off it).
    tracks_serials = models.BooleanField(_("tracks serial numbers"), default=False)
    # A sold serial-numbered item's warranty, from the invoice's issue date (the service desk makes it); 0: none.
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), default=0)
    description = models.TextField(_("description"), blank=True)
    search_text = models.TextField(editable=False, default="")

    objects = CatalogueManager()
    all_objects = models.Manager.from_queryset(CatalogueQuerySet)()

    audited_fields = (
        "code",
        "name",
        "name_en",
        "is_service",
        "unit",
        "category",
        "price",
        "currency",
        "tax_class",
        "active",
        "tracks_serials",
        "warranty_months",
        "description",
        "owner",
        "team",
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code", "id"]

    def __str__(self) -> str:
        return self.name

    def search_parts(self) -> list[str]:
        return [self.code, self.name, self.name_en]


class CustomerTier(models.Model):
    """A customer group such as VIP: its own price lists and a standing discount."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    discount_percent = models.DecimalField(_("standing discount (%)"), default=Decimal("0"), **PERCENT)

    class Meta:
        verbose_name = _("customer tier")
        verbose_name_plural = _("customer tiers")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class PriceList(models.Model):
    """Prices that replace the products' defaults for a customer tier, a channel and/or a range of days. Of the
    lists that apply, the one with the highest priority wins."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    currency = models.CharField(_("currency"), max_length=3, default=settings.PEYVAND_DEFAULT_CURRENCY)
    tier = models.ForeignKey(
        CustomerTier,
        verbose_name=_("customer tier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A lead or contact source (core.choices), empty for any channel.
    channel = models.CharField(_("channel"), max_length=40, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    priority = models.IntegerField(_("priority"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["-priority", "name", "id"]

    def __str__(self) -> str:
        return self.name


class PriceListItem(models.Model):
    """A product's price on a list from a quantity up (quantity breaks: 1 → 100, 10 → 90)."""

    price_list = models.ForeignKey(
        PriceList, verbose_name=_("price list"), on_delete=models.CASCADE, related_name="items"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    min_quantity = models.DecimalField(_("from quantity"), default=Decimal("1"), **QUANTITY)
    price = _amount(_("price"))

    class Meta:
        verbose_name = _("price list item")
        verbose_name_plural = _("price list items")
        ordering = ["price_list", "product", "min_quantity"]
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "product", "min_quantity"], name="price_list_item_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} ≥ {self.min_quantity}"


class BillingProfile(models.Model):
    """What billing knows of a customer (a company, or a contact without one): the legal fields an Iranian invoice
    carries, the tier, the price list, payment terms and tax exemption."""

    company = models.OneToOneField(
        "contacts.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="billing_profile"
    )
    contact = models.OneToOneField(
        "contacts.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="billing_profile"
    )
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    national_id = models.CharField(_("national id"), max_length=11, blank=True)  # شناسه ملی / کد ملی
    economic_code = models.CharField(_("economic code"), max_length=14, blank=True)  # کد اقتصادی
    registration_number = models.CharField(_("registration number"), max_length=20, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    tier = models.ForeignKey(
        CustomerTier,
        verbose_name=_("customer tier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    price_list = models.ForeignKey(
        PriceList,
        verbose_name=_("price list"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payment_terms_days = models.PositiveIntegerField(_("payment terms (days)"), null=True, blank=True)
    tax_exempt = models.BooleanField(_("tax-exempt"), default=False)

    class Meta:
        verbose_name = _("billing profile")
        verbose_name_plural = _("billing profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(company__isnull=False, contact__isnull=True)
                | Q(company__isnull=True, contact__isnull=False),
                name="billing_profile_one_customer",
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name or str(self.company or self.contact)


class BillingSettings(models.Model):
    """The seller and the house rules of billing: one row (``BillingSettings.current()``)."""

    seller_name = models.CharField(_("seller's legal name"), max_length=200, blank=True)
    seller_national_id = models.CharField(_("national id"), max_length=11, blank=True)
    seller_economic_code = models.CharField(_("economic code"), max_length=14, blank=True)
    seller_registration_number = models.CharField(_("registration number"), max_length=20, blank=True)
    seller_postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    seller_address = models.TextField(_("address"), blank=True)
    seller_phone = models.CharField(_("phone"), max_length=32, blank=True)
    invoice_prefix = models.CharField(_("invoice number prefix"), max_length=10, blank=True, default="INV")
    credit_note_prefix = models.CharField(
        _("credit note number prefix"), max_length=10, blank=True, default="CN"
    )
    quote_prefix = models.CharField(_("quote number prefix"), max_length=10, blank=True, default="Q")
    # "jalali": fiscal years are Jalali years (1 Farvardin); "gregorian": calendar years.
    fiscal_calendar = models.CharField(_("fiscal year"), max_length=10, default="jalali")
    payment_terms_days = models.PositiveIntegerField(_("payment terms (days)"), default=30)
    quote_valid_days = models.PositiveIntegerField(_("quotes valid for (days)"), default=14)
    quote_terms = models.TextField(_("terms printed on quotes"), blank=True)
    invoice_terms = models.TextField(_("terms printed on invoices"), blank=True)
    # The largest discount (share of the gross, %) each role grants without a manager's approval.
    rep_discount_ceiling = models.DecimalField(
        _("discount a rep may give (%)"), default=Decimal("10"), **PERCENT
    )
    manager_discount_ceiling = models.DecimalField(
        _("discount a manager may give (%)"), default=Decimal("25"), **PERCENT
    )
    # What the dashboards count as revenue: won deals, or issued invoices less credit notes.
    revenue_source = models.CharField(_("revenue counted from"), max_length=10, default="deals")
    remind_days_before_due = models.PositiveIntegerField(_("remind days before the due date"), default=3)
    remind_days_after_due = models.PositiveIntegerField(_("remind days after the due date"), default=7)
    # Off: the owner is still reminded, the customer is not e-mailed (a business that chases by phone).
    remind_customers = models.BooleanField(_("e-mail payment reminders to customers"), default=True)
    brand_colour = models.CharField(_("colour"), max_length=7, default="#0f766e")
    logo = models.FileField(_("logo"), upload_to="billing/", blank=True)
    footer = models.TextField(_("footer"), blank=True)

    class Meta:
        verbose_name = _("billing settings")
        verbose_name_plural = _("billing settings")

    def __str__(self) -> str:
        return str(_("Billing settings"))

    @classmethod
    def current(cls) -> "BillingSettings":
        return cls.objects.order_by("pk").first() or cls.objects.create()


# ── Documents ───────────────────────────────────────────────────────────────────────────────────────────────────


class DocumentLine(models.Model):
    """A priced line of a deal, a quote or an invoice; its amounts are computed by ``billing.amounts``."""

    position = models.PositiveIntegerField(_("position"), default=0)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), default=Decimal("1"), **QUANTITY)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    unit_price = _amount(_("unit price"))
    discount_percent = models.DecimalField(_("discount (%)"), default=Decimal("0"), **PERCENT)
    tax_percent = models.DecimalField(_("tax (%)"), default=Decimal("0"), **PERCENT)
    gross = _amount(_("gross"))
    discount = _amount(_("discount"))
    net = _amount(_("net"))
    tax = _amount(_("tax"))
    total = _amount(_("total"))

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class DealLine(DocumentLine):
    """A product line of a deal: when a deal has lines, its amount is their net total."""

    deal = models.ForeignKey(
        "sales.Deal", verbose_name=_("deal"), on_delete=models.CASCADE, related_name="lines"
    )

    class Meta(DocumentLine.Meta):
        verbose_name = _("deal line")
        verbose_name_plural = _("deal lines")
        indexes = [models.Index(fields=["product", "deal"], name="deal_line_product")]

    def __str__(self) -> str:
        return self.description


class Document(OwnedModel):
    """What quotes and invoices share: the customer, the deal, the currency, the discount and the stored totals."""

    deal = models.ForeignKey(
        "sales.Deal",
        verbose_name=_("deal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    company = models.ForeignKey(
        "contacts.Company",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    currency = models.CharField(_("currency"), max_length=3, default=settings.PEYVAND_DEFAULT_CURRENCY)
    price_list = models.ForeignKey(
        PriceList,
        verbose_name=_("price list"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    discount_percent = models.DecimalField(_("document discount (%)"), default=Decimal("0"), **PERCENT)
    terms = models.TextField(_("terms"), blank=True)
    gross = _amount(_("gross"))
    discount = _amount(_("discount"))
    net = _amount(_("net"))
    tax = _amount(_("tax"))
    total = _amount(_("total"))
    search_text = models.TextField(editable=False, default="")

    class Meta:
        abstract = True

    @property
    def customer(self):
        return self.company or self.contact


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_APPROVAL = "pending_approval", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    SUPERSEDED = "superseded", _("Superseded")
    INVOICED = "invoiced", _("Invoiced")


class Quote(Document):
    """A pre-invoice (پیش‌فاکتور). Revising it makes a new version and supersedes this one; every version of one
    quote shares its ``number``."""

    number = models.CharField(_("number"), max_length=40, db_index=True)
    version_number = models.PositiveIntegerField(_("revision"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous revision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT
    )
    issue_date = models.DateField(_("date"))
    valid_until = models.DateField(_("valid until"))
    # Acceptance may move the deal to this stage.
    accept_stage = models.ForeignKey(
        "sales.Stage",
        verbose_name=_("on acceptance, move the deal to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    responder_name = models.CharField(_("answered by"), max_length=200, blank=True)
    responder_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    change_request = models.TextField(_("changes asked for"), blank=True)

    audited_fields = (
        "number",
        "version_number",
        "status",
        "deal",
        "company",
        "contact",
        "currency",
        "issue_date",
        "valid_until",
        "discount_percent",
        "terms",
        "gross",
        "discount",
        "net",
        "tax",
        "total",
        "sent_at",
        "responded_at",
        "accept_stage",
        "approved_by",
        "responder_name",
        "change_request",
        "owner",
        "team",
    )

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number", "version_number"], name="quote_number_revision"),
        ]

    def __str__(self) -> str:
        return f"{self.number}-{self.version_number}" if self.version_number > 1 else self.number

    def search_parts(self) -> list[str]:
        return [self.number, str(self.customer or "")]


class QuoteLine(DocumentLine):
    quote = models.ForeignKey(Quote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="lines")

    class Meta(DocumentLine.Meta):
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")

    def __str__(self) -> str:
        return self.description


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")
    CANCELLED = "cancelled", _("Cancelled")


class Invoice(Document):
    """An invoice or a credit note. A draft has no number; issuing gives it the next number of its kind in its fiscal
    year (``NumberSequence``) and freezes it: an issued document is corrected only by a credit note."""

    kind = models.CharField(
        _("kind"), max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    status = models.CharField(
        _("status"), max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    number = models.CharField(_("number"), max_length=40, blank=True)
    fiscal_year = models.PositiveIntegerField(_("fiscal year"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    quote = models.ForeignKey(
        Quote,
        verbose_name=_("quote"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    # The invoice a credit note corrects.
    credits = models.ForeignKey(
        "self",
        verbose_name=_("credits invoice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
    )
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    # Seller and buyer as they were when it was issued (legal names, ids, addresses), so it never changes later.
    seller = models.JSONField(_("seller"), default=dict, blank=True)
    buyer = models.JSONField(_("buyer"), default=dict, blank=True)
    # Kept by payments and credit notes: what was paid and credited, and what is still owed.
    paid = _amount(_("paid"))
    credited = _amount(_("credited"))
    balance = _amount(_("balance"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    audited_fields = (
        "kind",
        "status",
        "number",
        "company",
        "contact",
        "deal",
        "currency",
        "issue_date",
        "due_date",
        "discount_percent",
        "terms",
        "total",
        "paid",
        "credited",
        "balance",
        "note",
        "owner",
        "team",
    )

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "fiscal_year", "sequence"],
                condition=Q(sequence__isnull=False),
                name="invoice_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="invoice_status_due"),
            models.Index(fields=["company", "status"], name="invoice_company_status"),
            models.Index(fields=["contact", "status"], name="invoice_contact_status"),
            models.Index(fields=["issue_date"], name="invoice_issue_date"),
            # The credit notes of a period, read apart from the invoices by the revenue reports.
            models.Index(fields=["kind", "issue_date"], name="invoice_kind_issue_date"),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft invoice"))

    def search_parts(self) -> list[str]:
        return [self.number, str(self.customer or "")]


class InvoiceLine(DocumentLine):
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="lines"
    )
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)

    class Meta(DocumentLine.Meta):
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        indexes = [
            models.Index(fields=["product", "invoice"], name="invoice_line_product"),
            # Revenue by product reads the lines of a set of invoices from this index alone (PostgreSQL).
            models.Index(
                fields=["invoice"], include=["product", "net", "quantity"], name="invoice_line_report"
            ),
        ]

    def __str__(self) -> str:
        return self.description


class NumberSequence(models.Model):
    """The last number given to a kind of document in a fiscal year. Issuing locks this row, so numbers are unique
    and, since a rolled-back issue gives its number back with the transaction, gap-free."""

    kind = models.CharField(_("kind"), max_length=12)
    fiscal_year = models.PositiveIntegerField(_("fiscal year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [models.UniqueConstraint(fields=["kind", "fiscal_year"], name="number_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.fiscal_year}: {self.last}"


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")
    TRANSFER = "transfer", _("Bank transfer")
    CHEQUE = "cheque", _("Cheque")


class ChequeStatus(models.TextChoices):
    PENDING = "pending", _("Not yet due")
    CLEARED = "cleared", _("Cleared")
    BOUNCED = "bounced", _("Bounced")


class Payment(OwnedModel):
    """Money received from a customer, allocated to one or more of their invoices (the rest is on account)."""

    company = models.ForeignKey(
        "contacts.Company",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = _amount(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default=settings.PEYVAND_DEFAULT_CURRENCY)
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices)
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    cheque_number = models.CharField(_("cheque number"), max_length=40, blank=True)
    cheque_bank = models.CharField(_("bank"), max_length=100, blank=True)
    cheque_due_date = models.DateField(_("cheque due date"), null=True, blank=True)
    cheque_status = models.CharField(
        _("cheque status"), max_length=10, choices=ChequeStatus.choices, blank=True
    )
    allocated = _amount(_("allocated"))
    note = models.TextField(_("note"), blank=True)
    search_text = models.TextField(editable=False, default="")

    audited_fields = (
        "company",
        "contact",
        "amount",
        "currency",
        "method",
        "received_on",
        "reference",
        "cheque_number",
        "cheque_bank",
        "cheque_due_date",
        "cheque_status",
        "allocated",
        "note",
        "owner",
        "team",
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["received_on"], name="payment_received_on"),
            models.Index(fields=["company", "received_on"], name="payment_company"),
            models.Index(fields=["contact", "received_on"], name="payment_contact"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(allocated__lte=models.F("amount")), name="payment_not_over_allocated"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.reference}".strip()

    @property
    def customer(self):
        return self.company or self.contact

    def search_parts(self) -> list[str]:
        return [self.reference, self.cheque_number, str(self.customer or "")]


class PaymentAllocation(models.Model):
    """Part of a payment that settles part of an invoice."""

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.CASCADE, related_name="allocations"
    )
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="allocations"
    )
    amount = _amount(_("amount"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
            models.UniqueConstraint(fields=["payment", "invoice"], name="allocation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.invoice_id}: {self.amount}"
