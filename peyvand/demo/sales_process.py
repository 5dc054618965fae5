"""Demo sales processes: the demo pipelines' stages get a script (Persian), a checklist, exit criteria and a
maximum number of days, so the deal page teaches and the board guards from the first sign-in.

``load()`` is called by the demo after its pipelines exist; it matches stages by name and leaves any stage it
does not know as it is. Running it twice changes nothing.
"""

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from peyvand.sales.models import ChecklistCheck, ChecklistItem, Pipeline, Stage, StageHistory


@dataclass(frozen=True)
class StageRules:
    script: str
    max_days: int | None = None
    required_fields: tuple[str, ...] = ()
    # (text, required to leave the stage)
    checklist: tuple[tuple[str, bool], ...] = field(default_factory=tuple)


SOFTWARE = "فروش نرم‌افزار"
SUPPORT = "خدمات پشتیبانی"

RULES: dict[str, dict[str, StageRules]] = {
    SOFTWARE: {
        "سرنخ واجد شرایط": StageRules(
            script=(
                "<h3>تماس اول</h3>"
                "<p>خودتان و <strong>پیوند</strong> را در یک جمله معرفی کنید و بپرسید الان وقت صحبت دارند یا نه.</p>"
                "<ul><li>امروز فروش و پیگیری مشتری‌ها را با چه ابزاری انجام می‌دهید؟</li>"
                "<li>چند نفر در تیم فروش کار می‌کنند؟</li>"
                "<li>تصمیم خرید نرم‌افزار با چه کسی است؟</li>"
                "<li>بودجه‌ای برای امسال در نظر گرفته‌اند؟</li></ul>"
                "<blockquote>اگر تصمیم‌گیرنده نیست، محترمانه بخواهید جلسه بعد با حضور او باشد.</blockquote>"
            ),
            max_days=7,
            required_fields=("contact", "company"),
            checklist=(
                ("تصمیم‌گیرنده شناسایی شد", True),
                ("بودجه تقریبی پرسیده شد", True),
                ("کاتالوگ محصول ارسال شد", False),
            ),
        ),
        "جلسه معرفی": StageRules(
            script=(
                "<h3>جلسه معرفی</h3>"
                "<p>پیش از نمایش محصول، <em>مشکل مشتری</em> را از زبان خودش بشنوید.</p>"
                "<ol><li>سه مشکل اصلی فروششان را بپرسید.</li>"
                "<li>فقط بخش‌هایی از نرم‌افزار را نشان دهید که به همان مشکل‌ها پاسخ می‌دهد.</li>"
                "<li>قدم بعدی و تاریخ آن را در همان جلسه قطعی کنید.</li></ol>"
            ),
            max_days=14,
            required_fields=("amount", "expected_close_date"),
            checklist=(
                ("دمو برگزار شد", True),
                ("نیازها و مشکلات مکتوب شد", True),
                ("صورت‌جلسه برای مشتری ارسال شد", False),
            ),
        ),
        "ارائه پیشنهاد": StageRules(
            script=(
                "<h3>ارائه پیشنهاد</h3>"
                "<p>پیشنهاد را با خلاصه‌ای از مشکلاتی که مشتری گفته بود شروع کنید، نه با قیمت.</p>"
                "<ul><li>آیا پیشنهاد به دست همه تصمیم‌گیرندگان رسیده است؟</li>"
                "<li>چه چیزی مانع امضای قرارداد تا پایان ماه است؟</li></ul>"
            ),
            max_days=21,
            required_fields=("amount", "expected_close_date"),
            checklist=(("پیش‌فاکتور ارسال شد", True), ("تماس پیگیری پیش‌فاکتور انجام شد", False)),
        ),
        "مذاکره": StageRules(
            script=(
                "<h3>مذاکره</h3>"
                "<p>تخفیف را فقط در برابر چیزی بدهید: قرارداد بلندمدت‌تر، پیش‌پرداخت یا معرفی مشتری دیگر.</p>"
                "<blockquote>هر تغییری در قیمت را در پیش‌فاکتور جدید ثبت کنید.</blockquote>"
            ),
            max_days=14,
            required_fields=("amount",),
            checklist=(("شرایط پرداخت توافق شد", True), ("پیش‌نویس قرارداد تأیید حقوقی شد", True)),
        ),
    },
    SUPPORT: {
        "درخواست اولیه": StageRules(
            script=("<p>بپرسید نسخه فعلی چیست، چند کاربر دارند و مهم‌ترین مشکلشان با پشتیبانی فعلی چیست.</p>"),
            max_days=5,
            required_fields=("contact",),
            checklist=(("نسخه و تعداد کاربران ثبت شد", True),),
        ),
        "نیازسنجی": StageRules(
            script=(
                "<h3>نیازسنجی</h3>"
                "<ul><li>ساعات پشتیبانی مورد نیاز (اداری یا ۲۴ ساعته)؟</li>"
                "<li>زمان پاسخ قابل قبول برای خرابی جدی؟</li>"
                "<li>آموزش کاربران جدید لازم است؟</li></ul>"
            ),
            max_days=10,
            required_fields=("company",),
            checklist=(("سطح خدمات مورد انتظار مکتوب شد", True), ("بازدید از محل انجام شد", False)),
        ),
        "ارسال پیش‌فاکتور": StageRules(
            script="<p>پیش‌فاکتور را تلفنی هم توضیح دهید؛ مشتری باید بداند هر بند چه چیزی را پوشش می‌دهد.</p>",
            max_days=10,
            required_fields=("amount",),
            checklist=(("پیش‌فاکتور ارسال شد", True),),
        ),
        "در انتظار تأیید": StageRules(
            script="<p>هر هفته یک بار پیگیری کنید و بپرسید تأیید در کدام مرحله اداری است.</p>",
            max_days=14,
            required_fields=("expected_close_date",),
            checklist=(("تأیید مدیر مالی مشتری گرفته شد", True),),
        ),
        "آماده عقد قرارداد": StageRules(
            script="<p>قرارداد را با امضای دیجیتال بفرستید و تاریخ شروع پشتیبانی را قطعی کنید.</p>",
            max_days=7,
            required_fields=("amount", "expected_close_date"),
            checklist=(("قرارداد امضا شد", True), ("پیش‌پرداخت دریافت شد", False)),
        ),
    },
}


@transaction.atomic
def load(pipelines: Iterable[Pipeline] | None = None, *, seed: int = 1404) -> dict[str, int]:
    """Give the demo pipelines' stages their script, checklist, exit criteria and maximum days, and tick the
    checklists of the demo's deals as their history implies.

    ``pipelines`` defaults to the demo's own (matched by name). A deal that has left a stage did that stage's
    required items (just before it left); optional items were done by some deals, more often by deals that
    were won, so the analytics have something to find. Returns how many stages, items and checks were set.
    """
    if pipelines is None:
        pipelines = Pipeline.objects.filter(name__in=RULES)
    pipelines = list(pipelines)
    stages_set = items_set = 0
    for pipeline in pipelines:
        rules = RULES.get(pipeline.name, {})
        for stage in Stage.objects.filter(pipeline=pipeline):
            rule = rules.get(stage.name)
            if rule is None:
                continue
            stage.script = rule.script
            stage.max_days = rule.max_days
            stage.required_fields = list(rule.required_fields)
            stage.save()
            stages_set += 1
            for order, (text, required) in enumerate(rule.checklist):
                ChecklistItem.objects.update_or_create(
                    stage=stage, text=text, defaults={"order": order, "required": required, "archived": False}
                )
                items_set += 1
    checks = _tick_history(pipelines, seed)
    return {"stages": stages_set, "checklist_items": items_set, "checks": checks}


def _tick_history(pipelines: list[Pipeline], seed: int) -> int:
    rng = random.Random(seed)
    items_by_stage: dict[int, list[ChecklistItem]] = {}
    for item in ChecklistItem.objects.filter(stage__pipeline__in=pipelines, archived=False):
        items_by_stage.setdefault(item.stage_id, []).append(item)
    done = set(
        ChecklistCheck.objects.filter(item__stage__pipeline__in=pipelines).values_list("deal_id", "item_id")
    )
    moves = (
        StageHistory.objects.filter(deal__pipeline__in=pipelines, from_stage__isnull=False)
        .select_related("deal")
        .order_by("deal_id", "moved_at", "id")
    )
    new = []
    for move in moves.iterator(chunk_size=2000):
        won = move.deal.status == "won"
        for item in items_by_stage.get(move.from_stage_id, []):
            if (move.deal_id, item.pk) in done:
                continue
            # decided per deal and item, so loading again picks the same optional items
            chance = random.Random(f"{seed}:{move.deal_id}:{item.pk}").random()
            if not item.required and chance > (0.75 if won else 0.35):
                continue
            done.add((move.deal_id, item.pk))
            new.append(
                ChecklistCheck(
                    deal_id=move.deal_id,
                    item=item,
                    checked_at=move.moved_at - dt.timedelta(hours=rng.randint(1, 48)),
                    checked_by_id=move.moved_by_id or move.deal.owner_id,
                )
            )
    ChecklistCheck.objects.bulk_create(new, batch_size=2000)
    return len(new)
