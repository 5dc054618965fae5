"""Demo message templates: what a rep starts from when writing to a customer from a record."""

from collections.abc import Iterable

from peyvand.accounts.models import Role
from peyvand.messaging.models import MessageTemplate
from peyvand.messaging.services_compose import save_template

TEMPLATES = [
    {
        "name": "پیگیری پیشنهاد",
        "channel": "email",
        "language": "fa",
        "record_type": "deal",
        "subject": "پیشنهاد {{ record.title }}",
        "body": "{{ contact.first_name }} گرامی، سلام.\n\nپیشنهاد ما برای «{{ record.title }}» را چند روز پیش "
        "فرستادیم. اگر پرسشی دارید یا زمانی برای گفت‌وگو مناسب است، خوشحال می‌شویم بدانیم.\n\nبا سپاس،\n"
        "{{ me.name }}",
    },
    {
        "name": "خوشامد",
        "channel": "email",
        "language": "fa",
        "record_type": "contact",
        "subject": "به جمع مشتریان ما خوش آمدید",
        "body": "{{ record.first_name }} گرامی، سلام.\n\nاز اعتماد شما سپاسگزاریم. هر زمان پرسشی داشتید، "
        "همین ایمیل را پاسخ دهید.\n\n{{ me.name }}",
    },
    {
        "name": "Proposal follow-up",
        "channel": "email",
        "language": "en",
        "record_type": "deal",
        "subject": "Your proposal: {{ record.title }}",
        "body": "Dear {{ contact.first_name }},\n\nA few days ago we sent our proposal for “{{ record.title }}”. "
        "If you have questions, or a good time to talk, I would be glad to hear.\n\nBest regards,\n{{ me.name }}",
    },
    {
        "name": "یادآوری جلسه",
        "channel": "sms",
        "language": "fa",
        "subject": "",
        "body": "{{ record.name }} گرامی، یادآوری جلسهٔ فردا با {{ me.name }}. در صورت تغییر خبر دهید.",
    },
]


def load(users: Iterable) -> int:
    """Create the demo templates as the first administrator; templates already there (by name) are left alone."""
    admin = next((u for u in users if u.role == Role.ADMIN or u.is_superuser), None)
    if admin is None:
        return 0
    made = 0
    for values in TEMPLATES:
        if not MessageTemplate.objects.filter(name=values["name"], channel=values["channel"]).exists():
            save_template(actor=admin, values=values)
            made += 1
    return made
