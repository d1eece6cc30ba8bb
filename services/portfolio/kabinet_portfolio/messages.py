"""The portfolio's error texts in Russian (kabinet_kit.i18n): the default language of its answers."""
from kabinet_kit.i18n import Messages

MESSAGES = Messages({
    "Only the education department may do this.": "Это может только управление образования.",
    "YYYY, YYYY-MM or YYYY-MM-DD.": "ГГГГ, ГГГГ-ММ или ГГГГ-ММ-ДД.",
    "Bad date.": "Неверная дата.",
    "Not after today.": "Не позже сегодняшнего дня.",
    "The date is in the future.": "Дата в будущем.",
    "Within {activity.starts_on.isoformat()} – {activity.ends_on.isoformat()}.":
        "В пределах {activity.starts_on.isoformat()} – {activity.ends_on.isoformat()}.",
    "The date is outside the activity's dates.": "Дата вне сроков мероприятия.",
    "This achievement cannot be edited now ({state}); an approved one is locked.":
        "Это достижение сейчас нельзя изменить ({state}); подтверждённое достижение закрыто для правки.",
    "Not in the catalogue; request it as a petition.": "Нет в перечне; запросите его ходатайством.",
    "The activity is not in the catalogue.": "Мероприятия нет в перечне.",
    "The pupil creates his own achievements (§6.3).": "Свои достижения создаёт сам обучающийся (п. 6.3).",
    "A JPG or PDF of at most 2 MB.": "JPG или PDF не больше 2 МБ.",
    "The evidence document is required.": "Нужен подтверждающий документ.",
    "No such achievement.": "Такого достижения нет.",
    "Required to submit.": "Обязательно для подачи.",
    "Attach the evidence document first.": "Сначала приложите подтверждающий документ.",
    "Say why.": "Укажите причину.",
    "A reason is required.": "Нужна причина.",
    "The achievement has no document.": "У достижения нет документа.",
    "No such day.": "Такого дня нет.",
    "Only the tutor of the class or the school administration reviews achievements.":
        "Достижения проверяют только классный руководитель или администрация школы.",
    "Only a submitted achievement can be {'approved' if action == 'approve' else 'returned'}; this one is "
    "{state}.": "Подтвердить или вернуть можно только поданное достижение; это — в состоянии {state}.",
    "Only the tutor of the class or the school administration deletes achievements.":
        "Удаляют достижения только классный руководитель или администрация школы.",
    "The achievement is deleted already.": "Достижение уже удалено.",
    "The pupil submits his own achievements.": "Свои достижения подаёт сам обучающийся.",
    "Only a draft or returned achievement can be submitted; this one is {state}.":
        "Подать можно только черновик или возвращённое достижение; это — в состоянии {state}.",
    "Not yours to edit.": "Это не вам править.",
    "Duplicate of achievement {found}.": "Повтор достижения {found}.",
    "The same achievement is in the portfolio already.": "Такое достижение уже есть в портфолио.",
    "This document is attached to another achievement already.": "Этот документ уже приложен к другому "
                                                                 "достижению.",
    "The reviewer corrects the categorisation only.": "Проверяющий исправляет только категорию и уровень.",
    "The pupil fills in his own Selfie and Profi (§6.3).": "Разделы «Селфи» и «Профи» заполняет сам "
                                                           "обучающийся (п. 6.3).",
    "At most five (§5.2.1).": "Не больше пяти (п. 5.2.1).",
    "At most five goals.": "Не больше пяти целей.",
    "At most five.": "Не больше пяти.",
    "No such entry.": "Такой записи нет.",
    "The tutor or the school administration confirms.": "Подтверждают классный руководитель или администрация "
                                                        "школы.",
    "No such school.": "Такой школы нет.",
    "No such class.": "Такого класса нет.",
    "Unknown elective.": "Неизвестный элективный курс.",
    "Not an elective of the pupil's school.": "Не элективный курс школы обучающегося.",
    "Only tutors and school administrators review achievements.":
        "Достижения проверяют только классные руководители и администраторы школ.",
    "The activity is invalid.": "Мероприятие указано неверно.",
    "No such activity.": "Такого мероприятия нет.",
    "The author of the achievement or his parent disputes it (§8.1).":
        "Оспаривает достижение его автор или его родитель (п. 8.1).",
    "A draft has not been categorised or refused yet.": "Черновик ещё не проверяли и не отклоняли.",
    "No such dispute.": "Такого обращения нет.",
    "The dispute is answered already.": "На обращение уже ответили.",
    "Not in the catalogue.": "Нет в перечне.",
    "Cite a catalogue activity.": "Сошлитесь на мероприятие из перечня.",
    "The school administrator answers a dispute (§8.1).": "На обращение отвечает администратор школы (п. 8.1).",
    "No disputes for you here.": "Здесь нет обращений для вас.",
    "A petition that is {state} cannot be {action}d now.": "Ходатайство в состоянии {state} сейчас нельзя "
                                                           "изменить ({action}).",
    "Your school.": "Ваша школа.",
    "The school the petition comes from.": "Школа, от которой ходатайство.",
    "No such petition.": "Такого ходатайства нет.",
    "The school administration decides on a pupil's request.": "Решение по запросу обучающегося принимает "
                                                               "администрация школы.",
    "The department decides on a petition.": "Решение по ходатайству принимает управление.",
    "The pupil is not enrolled in a school.": "Обучающийся не зачислен в школу.",
    "Complete the activity.": "Заполните мероприятие полностью.",
    "Must be an object.": "Должен быть объект.",
    "The coefficient table is an object.": "Таблица коэффициентов — объект.",
    "The coefficient table is incomplete or invalid.": "Таблица коэффициентов неполна или неверна.",
    "No such pupil.": "Такого обучающегося нет.",
    "No consent to personal data processing in the portfolio (purpose=portfolio).":
        "Нет согласия на обработку персональных данных в портфолио (purpose=portfolio).",
    "The portfolio opens after consent to personal data processing (Regulation, §4.3). Give it: "
    "POST /api/identity/children/{pupil.id}/consents with purpose=portfolio.":
        "Портфолио открывается после согласия на обработку персональных данных (Положение, п. 4.3). Дайте его: "
        "POST /api/identity/children/{pupil.id}/consents с purpose=portfolio.",
    "No such {scope}.": "Нет такого объекта ({scope}).",
    "No statistics for you here.": "Здесь нет статистики для вас.",
})
