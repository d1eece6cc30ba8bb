"""The analytical report (аналитическая справка, PRE-09) per kindergarten and round:
a PDF in Russian with the filling of the cards, level distributions and their dynamics.
Kindergarten-level figures, so small cells are suppressed exactly as in the statistics."""
from __future__ import annotations

import io
from datetime import date

import matplotlib

matplotlib.use("Agg")  # no display on servers
import matplotlib.pyplot as plt  # noqa: E402
from reportlab.lib import colors  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet  # noqa: E402
from reportlab.lib.units import cm  # noqa: E402
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from kabinet_kit.documents import FONT, register_fonts  # noqa: E402
from kabinet_kit.errors import NotFound, PermissionDenied  # noqa: E402

from .access import Caller, can_see_organisation  # noqa: E402
from .catalogue import BANDS  # noqa: E402
from .models import AcademicYear, Organisation  # noqa: E402
from .rounds import get_round  # noqa: E402
from .stats import completeness, statistics  # noqa: E402

LEVEL_COLOURS = ["#e07a5f", "#f2cc8f", "#81b29a", "#3d405b", "#6d597a"]


def _card_shares(stats: dict) -> dict[str, dict[int, float]]:
    """Per card, the share of each level over its visible (unsuppressed) indicators."""
    out = {}
    for card in stats["cards"]:
        sums: dict[int, int] = {}
        for ind in card["indicators"]:
            if ind["suppressed"]:
                continue
            for lv, n in ind["levels"].items():
                sums[int(lv)] = sums.get(int(lv), 0) + (n or 0)
        total = sum(sums.values())
        if total:
            out[card["card_title"]] = {lv: 100.0 * n / total for lv, n in sorted(sums.items())}
    return out


def _chart_distribution(shares: dict[str, dict[int, float]], title: str) -> io.BytesIO:
    fig, ax = plt.subplots(figsize=(7.5, 3.6), dpi=110)
    names = list(shares)
    left = [0.0] * len(names)
    levels = sorted({lv for s in shares.values() for lv in s})
    for lv in levels:
        values = [shares[n].get(lv, 0.0) for n in names]
        ax.barh(names, values, left=left, color=LEVEL_COLOURS[(lv - 1) % len(LEVEL_COLOURS)], label=f"Уровень {lv}")
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlim(0, 100)
    ax.set_xlabel("Доля наблюдений, %")
    ax.set_title(title)
    ax.invert_yaxis()
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.45), ncol=max(len(levels), 1), frameon=False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    buf.seek(0)
    return buf


def _chart_dynamics(before: dict, after: dict, n_before: int, n_after: int) -> io.BytesIO:
    """Share of the highest level per card in two rounds."""
    names = [n for n in after if n in before]
    top = lambda s: s[max(s)] if s else 0.0  # noqa: E731
    fig, ax = plt.subplots(figsize=(7.5, 3.4), dpi=110)
    xs = range(len(names))
    ax.bar([x - 0.2 for x in xs], [top(before[n]) for n in names], width=0.4, color="#f2cc8f",
           label=f"Мониторинг № {n_before}")
    ax.bar([x + 0.2 for x in xs], [top(after[n]) for n in names], width=0.4, color="#81b29a",
           label=f"Мониторинг № {n_after}")
    ax.set_xticks(list(xs))
    ax.set_xticklabels(names, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("Доля высшего уровня, %")
    ax.set_title("Динамика между мониторингами")
    ax.legend(frameon=False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    buf.seek(0)
    return buf


def analytical_report(session: Session, caller: Caller, round_id: str, min_cell: int, activity_days: int) -> bytes:
    r = get_round(session, round_id)
    if not can_see_organisation(caller, r.organisation_id):
        if r.organisation_id not in caller.staff_orgs:
            raise NotFound("No such round.")  # another kindergarten's round: as a missing one
        raise PermissionDenied("The report is for the kindergarten's administration and the department.")
    register_fonts()
    org = session.get(Organisation, r.organisation_id)
    year = session.get(AcademicYear, r.academic_year_id)

    def round_statistics(number: int) -> dict:
        return statistics(session, caller, academic_year_id=r.academic_year_id, round_number=number,
                          compare_round_number=None, group_id=None, organisation_id=r.organisation_id,
                          min_cell=min_cell)

    stats = round_statistics(r.number)
    earlier = round_statistics(r.number - 1) if r.number > 1 else None
    filling = completeness(session, caller, academic_year_id=r.academic_year_id, round_number=r.number,
                           organisation_id=r.organisation_id, activity_days=activity_days)["kindergartens"]

    base = getSampleStyleSheet()
    h1 = ParagraphStyle("h1", parent=base["Title"], fontName=FONT, fontSize=16, leading=20)
    h2 = ParagraphStyle("h2", parent=base["Heading2"], fontName=FONT, fontSize=13, leading=16)
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=FONT, fontSize=10, leading=13)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    table_style = TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8),
                              ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                              ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                              ("VALIGN", (0, 0), (-1, -1), "TOP")])

    story = [Paragraph("Аналитическая справка по результатам мониторинга", h1),
             Paragraph(f"{org.name if org else r.organisation_id}", body),
             Paragraph(f"{r.title} (мониторинг № {r.number}), учебный год {year.name if year else ''}; "
                       f"срок заполнения — {r.deadline:%d.%m.%Y}; состояние — "
                       f"{'открыт' if r.status == 'open' else 'закрыт'}.", body),
             Paragraph(f"Дата формирования: {date.today():%d.%m.%Y}.", body), Spacer(1, 0.4 * cm),
             Paragraph("Показатели освоения образовательной программы не являются целевыми ориентирами дошкольного "
                       "образования и не являются основанием для их формального сравнения с реальными достижениями "
                       f"детей (п. 2.3 Положения). Ячейки, в которые попало менее {min_cell} детей, скрыты "
                       f"(«&lt;{min_cell}»).",
                       small), Spacer(1, 0.3 * cm),
             Paragraph("1. Заполнение карт наблюдений", h2)]
    rows = [["Группа", "Возрастная группа", "Детей", "Ожидается", "Заполнено", "%"]]
    if filling:
        k = filling[0]
        for g in k["groups"]:
            rows.append([g["name"], BANDS.get(g["age_band"], g["age_band"] or "—"), g["children"], g["expected"],
                         g["filled"], "—" if g["percent"] is None else f"{g['percent']:.1f}"])
        rows.append(["Итого по детскому саду", "", sum(g["children"] for g in k["groups"]), k["expected"],
                     k["filled"], "—" if k["percent"] is None else f"{k['percent']:.1f}"])
        act = k["guardian_activity"]
    else:
        act = None
    story.append(Table(rows, style=table_style, repeatRows=1))
    if act:
        story.append(Spacer(1, 0.2 * cm))
        story.append(Paragraph("Активность родителей: кабинет открывали родители "
                               f"{act['children_with_guardian_visits']} "
                               f"из {act['children']} воспитанников за последние {act['days']} дней.", body))

    story.append(Paragraph("2. Распределение уровней по картам наблюдений", h2))
    shares = _card_shares(stats)
    if shares:
        story.append(Image(_chart_distribution(shares, f"Мониторинг № {r.number}"), width=17 * cm, height=8.2 * cm))
    else:
        story.append(Paragraph("Наблюдения в этом мониторинге ещё не внесены.", body))
    for card in stats["cards"]:
        story.append(Paragraph(f"Карта «{card['card_title']}»", ParagraphStyle("h3", parent=body, fontSize=11,
                                                                              spaceBefore=6, spaceAfter=3)))
        top = max((i["max_level"] for i in card["indicators"]), default=3)
        rows = [["Показатель", "Возрастная группа", "Детей"] + [f"Ур. {lv}" for lv in range(1, top + 1)]]
        for ind in card["indicators"]:
            cells = [(f"&lt;{min_cell}" if n is None else str(n)) for n in ind["levels"].values()]
            rows.append([Paragraph(ind["title"], small), BANDS.get(ind["age_band"], ind["age_band"]),
                         "скрыто" if ind["children"] is None else ind["children"]]
                        + [Paragraph(c, small) for c in cells] + [""] * (top - len(cells)))
        story.append(Table(rows, style=table_style, repeatRows=1, colWidths=[6.5 * cm, 3.4 * cm, 1.4 * cm]
                           + [1.4 * cm] * top))

    story += [PageBreak(), Paragraph("3. Динамика освоения программы", h2)]
    before = _card_shares(earlier) if earlier else {}
    if before and shares:
        story.append(Image(_chart_dynamics(before, shares, r.number - 1, r.number), width=17 * cm, height=7.8 * cm))
        story.append(Paragraph("На диаграмме — доля наблюдений высшего уровня по каждой карте в предыдущем и текущем "
                               "мониторинге.", body))
    else:
        story.append(Paragraph("Предыдущего мониторинга в этом учебном году нет: динамика появится после второго "
                               "мониторинга (п. 3.5 Положения — не реже двух раз в год).", body))

    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="Аналитическая справка", author="Kabinet",
                      leftMargin=1.8 * cm, rightMargin=1.8 * cm, topMargin=1.6 * cm, bottomMargin=1.6 * cm).build(story)
    return buffer.getvalue()
