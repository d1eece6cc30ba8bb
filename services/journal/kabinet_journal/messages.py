"""The journal's error texts in Russian (kabinet_kit.i18n): the default language of its answers."""
from kabinet_kit.i18n import Messages

MESSAGES = Messages({
    "The month is YYYY-MM, e.g. 2026-09.": "Месяц в виде ГГГГ-ММ, например 2026-09.",
    "The account is not active in the journal.": "Учётная запись не активна в журнале.",
    "The control report is the institution's administration's (and, in figures, the department's).":
        "Отчёт о контроле — для администрации организации (и, в цифрах, для управления).",
    "No such diary.": "Такого дневника нет.",
    "The child is not in any group.": "Ребёнок не состоит ни в одной группе.",
    "The diary needs the guardian's consent (e_diary) in force for this child.":
        "Для дневника нужно действующее согласие законного представителя (e_diary) на этого ребёнка.",
    "No such term.": "Такого периода нет.",
    "The child was not in this institution in that term.": "В этот период ребёнок не был в этой организации.",
    "No term is under way; name one with term_id.": "Сейчас не идёт ни один период; укажите его в term_id.",
    "No such group.": "Такой группы нет.",
    "A school class keeps attendance per lesson.": "В школьном классе посещаемость отмечается по урокам.",
    "Day attendance is kept for kindergarten groups and associations.":
        "Посещаемость по дням ведётся для групп детского сада и объединений.",
    "Only the group's educator or teacher, or the administrator, marks its days.":
        "Дни группы отмечают только её воспитатель или педагог либо администратор.",
    "Nothing was saved; see errors.": "Ничего не сохранено; см. errors.",
    "Only the institution's administrator sets the parent fee.":
        "Родительскую плату устанавливает только администратор организации.",
    "This institution's fees are not yours to see.": "Плата этой организации вам недоступна.",
    "Only the institution's administrator grants exemptions from the fee.":
        "Льготы по плате предоставляет только администратор организации.",
    "The exemption was not saved; see errors.": "Льгота не сохранена; см. errors.",
    "Exemptions are the administrator's to see.": "Льготы видит только администратор.",
    "No such exemption.": "Такой льготы нет.",
    "The month is YYYY-MM.": "Месяц в виде ГГГГ-ММ.",
    "Not a group of this institution.": "Не группа этой организации.",
    "Unknown group.": "Неизвестная группа.",
    "No such child in your groups.": "В ваших группах такого ребёнка нет.",
    "No such teaching load.": "Такой учебной нагрузки нет.",
    "No such term for this teaching load.": "У этой нагрузки такого периода нет.",
    "Not within a term.": "Вне учебного периода.",
    "No term of the institution's year contains this date.": "Эта дата не входит ни в один период учебного "
                                                             "года организации.",
    "The term is closed.": "Период закрыт.",
    "The term is closed: its journal is locked.": "Период закрыт: журнал за него заблокирован.",
    "You do not keep this group's journal for this subject.": "Вы не ведёте журнал этой группы по этому "
                                                              "предмету.",
    "Holiday: {holiday.name}.": "Праздник: {holiday.name}.",
    "The date is a holiday.": "Эта дата — праздничный день.",
    "You do not keep this group's journal for this subject on this day.":
        "В этот день вы не ведёте журнал этой группы по этому предмету.",
    "The lesson has a topic, marks or attendance: change it rather than delete it.":
        "У урока есть тема, отметки или посещаемость: измените его, а не удаляйте.",
    "You do not keep this journal on that day.": "В этот день вы не ведёте этот журнал.",
    "Not a teacher of this institution.": "Не учитель этой организации.",
    "Not a subject of this institution.": "Не предмет этой организации.",
    "Unknown subject.": "Неизвестный предмет.",
    "Already in the group's load.": "Уже есть в нагрузке группы.",
    "This group has this subject in a teaching load already.": "У этой группы этот предмет уже есть в "
                                                               "учебной нагрузке.",
    "Ends before it starts.": "Заканчивается раньше, чем начинается.",
    "No such lesson.": "Такого урока нет.",
    "Only the institution's administrator or deputy director may do this.":
        "Это может только администратор или заместитель директора организации.",
    "This institution's journal is not yours to see.": "Журнал этой организации вам недоступен.",
    "Nothing was saved: some cells are invalid; see errors.": "Ничего не сохранено: некоторые ячейки "
                                                              "заполнены неверно; см. errors.",
    "No such mark.": "Такой отметки нет.",
    "The plan is drawn up by the load's teacher or the institution's administration.":
        "План составляет учитель этой нагрузки или администрация организации.",
    "The plan was not saved; see errors.": "План не сохранён; см. errors.",
    "No plan.": "Плана нет.",
    "The teaching load has no calendar-thematic plan.": "У учебной нагрузки нет календарно-тематического "
                                                        "плана.",
    "Lesson {number} of the year; the plan has {len(hours)} hours.":
        "Урок {number} в году; в плане {len(hours)} часов.",
    "The plan has no topic for this lesson: it is beyond the plan's hours.":
        "В плане нет темы для этого урока: он за пределами часов плана.",
    "No such academic year.": "Такого учебного года нет.",
    "Unknown academic year.": "Неизвестный учебный год.",
    "The term does not fit the year.": "Период не укладывается в учебный год.",
    "Already exists.": "Уже существует.",
    "The subject exists already.": "Такой предмет уже есть.",
    "This kind exists already.": "Такой вид уже есть.",
    "Only the institution's administrator or deputy director closes a term.":
        "Период закрывает только администратор или заместитель директора организации.",
    "The term is closed already.": "Период уже закрыт.",
    "Only the institution's administrator reopens a closed term.":
        "Закрытый период открывает заново только администратор организации.",
    "The term is open.": "Период открыт.",
    "Only the institution's administration reads this.": "Это читает только администрация организации.",
    "Term and final marks are set by the load's teacher.": "Отметки за период и итоговые выставляет учитель "
                                                           "этой нагрузки.",
    "Nothing was saved: some marks are invalid; see errors.": "Ничего не сохранено: некоторые отметки неверны; "
                                                              "см. errors.",
    "Statistics of this institution are not yours to see.": "Статистика этой организации вам недоступна.",
    "Required for term marks.": "Обязательно для отметок за период.",
    "A term is required.": "Нужен период.",
    "No such term of this load's year.": "В учебном году этой нагрузки такого периода нет.",
    "Not a term of this load's year.": "Не период учебного года этой нагрузки.",
    "The term is closed: its marks are locked.": "Период закрыт: его отметки заблокированы.",
    "The institution's year has no terms.": "В учебном году организации нет периодов.",
    "Other year.": "Другой учебный год.",
    "The term is not of the load's institution and year.": "Период не относится к организации и году этой "
                                                           "нагрузки.",
    "Load {other.id} is there.": "Там уже нагрузка {other.id}.",
    "The group has another lesson in this slot.": "У группы в это время другой урок.",
    "The teacher teaches load {other.id} then.": "В это время учитель ведёт нагрузку {other.id}.",
    "The teacher has another lesson in this slot.": "У учителя в это время другой урок.",
    "The academic year is closed.": "Учебный год закрыт.",
    "The academic year is closed: its journal is frozen.": "Учебный год закрыт: его журнал заморожен.",
    "Only the institution's administrator closes its academic year.":
        "Учебный год закрывает только администратор организации.",
    "Closed already.": "Уже закрыт.",
    "The academic year is closed already.": "Учебный год уже закрыт.",
    "The year's closing is the institution's administration's to see.":
        "Закрытие года видит только администрация организации.",
})
