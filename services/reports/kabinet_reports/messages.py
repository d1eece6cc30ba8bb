"""The reports service's error texts in Russian (kabinet_kit.i18n): the default language of its answers."""
from kabinet_kit.i18n import Messages

MESSAGES = Messages({
    "Only the education department may do this.": "Это может только управление образования.",
    "Reports are for the department and the schools' administration.":
        "Отчёты доступны управлению образования и администрации школ.",
    "Only the department or this school's administration sees its report.":
        "Отчёт школы видят только управление образования и администрация этой школы.",
    "Only this school's administrator enters its report.": "Сведения отчёта школы вносит только её администратор.",
    "No such school.": "Такой школы нет.",
    "No report on this date: it is not in the schedule.": "На эту дату отчёта нет: её нет в графике.",
    "The school had no report frozen on this date.": "На эту дату отчёт школы не фиксировался.",
    "The schedule cannot be changed so.": "Так изменить график нельзя.",
    "A date is given twice.": "Дата указана дважды.",
    "A frozen report date cannot be removed.": "Дату уже зафиксированного отчёта удалить нельзя.",
    "A new report date cannot be in the past.": "Новая дата отчёта не может быть в прошлом.",
    "At least one date.": "Нужна хотя бы одна дата.",
})
