"""Identity's error texts in Russian (kabinet_kit.i18n): the default language of its answers."""
from kabinet_kit.i18n import Messages

MESSAGES = Messages({
    "Too many failed attempts; try again later.": "Слишком много неудачных попыток; повторите позже.",
    "No such code.": "Такого кода нет.",
    "Unknown code.": "Неизвестный код.",
    "Name only a guardian your institution linked to this child, or no one for a new guardian.":
        "Укажите только законного представителя, которого ваша организация связала с этим ребёнком, "
        "или никого — для нового представителя.",
    "Not a guardian of this child.": "Не законный представитель этого ребёнка.",
    "This code has been used already.": "Этот код уже использован.",
    "This code has expired; ask the institution for a new one.": "Срок действия кода истёк; попросите в "
                                                                 "организации новый.",
    "Already taken; log in with its password to link another child.":
        "Уже занят; войдите с его паролем, чтобы привязать ещё одного ребёнка.",
    "Login is taken.": "Логин занят.",
    "Log in as the guardian the code was issued to.": "Войдите как представитель, которому выдан код.",
    "This code was issued to another guardian.": "Этот код выдан другому представителю.",
    "Your name is needed.": "Нужно ваше имя.",
    "Use your existing login.": "Используйте свой существующий логин.",
    "This guardian has an account; log in with it to link the child.":
        "У этого представителя есть учётная запись; войдите в неё, чтобы привязать ребёнка.",
    "This code is no longer valid; ask the institution for a new one.":
        "Код больше не действует; попросите в организации новый.",
    "3–100 letters, digits, dot, dash or underscore.": "От 3 до 100 латинских букв, цифр, точек, дефисов "
                                                       "или подчёркиваний.",
    "Use the form 2026/2027.": "Формат: 2026/2027.",
    "No such organisation.": "Такой организации нет.",
    "Your role does not allow this.": "Ваша роль этого не разрешает.",
    "No such object, or it is not yours to see.": "Такого объекта нет, или он вам недоступен.",
    "Only the institution's administrator reads its audit.": "Журнал аудита организации читает только её "
                                                             "администратор.",
    "Required.": "Обязательно.",
    "Choose an institution.": "Выберите организацию.",
    "The session has ended.": "Сеанс завершён.",
    "The account is not active.": "Учётная запись не активна.",
    "Refresh token is not valid.": "Токен обновления недействителен.",
    "Refresh token was already used; the session has been ended.":
        "Токен обновления уже использован; сеанс завершён.",
    "Incorrect password.": "Неверный пароль.",
    "Current password is incorrect.": "Текущий пароль неверен.",
    "At least 10 characters, with letters and at least one digit or symbol.":
        "Не меньше 10 символов, с буквами и хотя бы одной цифрой или знаком.",
    "Password too weak.": "Слишком простой пароль.",
    "No such guardian registered by the child's institution.":
        "Такой законный представитель не зарегистрирован организацией ребёнка.",
    "Not a guardian of this institution.": "Не законный представитель в этой организации.",
    "No such guardian link.": "Такой связи с представителем нет.",
    "The child is not enrolled; consent lasts while the child is in an institution.":
        "Ребёнок не зачислен; согласие действует, пока ребёнок состоит в организации.",
    "Already given.": "Уже дано.",
    "Consent for this purpose is in force already.": "Согласие на эту цель уже действует.",
    "Not after today.": "Не позже сегодняшнего дня.",
    "The registration date is in the future.": "Дата регистрации в будущем.",
    "Not before {entered.isoformat()}.": "Не раньше {entered.isoformat()}.",
    "The registration date is before the child entered the institution.":
        "Дата регистрации раньше поступления ребёнка в организацию.",
    "One of: {', '.join(CONSENT_PURPOSES)}.": "Одно из: {', '.join(CONSENT_PURPOSES)}.",
    "Unknown purpose.": "Неизвестная цель.",
    "No consent in force for this purpose.": "Действующего согласия на эту цель нет.",
    "The registration is the institution's.": "Регистрацию вносит организация.",
    "Registration details missing.": "Нет сведений о регистрации.",
    "Consent is given by the child's guardian.": "Согласие даёт законный представитель ребёнка.",
    "No such child.": "Такого ребёнка нет.",
    "Unknown child.": "Неизвестный ребёнок.",
    "No transfer out to your institution is recorded.": "Выбытие в вашу организацию не записано.",
    "The child's institution has not released him: its transfer out order comes first.":
        "Организация ребёнка его не отпустила: сначала нужен её приказ о выбытии.",
    "Not enrolled.": "Не зачислен.",
    "The child is not enrolled anywhere.": "Ребёнок нигде не зачислен.",
    "Required for a release.": "Обязательно для выбытия.",
    "The receiving institution is required.": "Нужна принимающая организация.",
    "The child's own institution.": "Это организация самого ребёнка.",
    "A release is to another institution; within yours, record a transfer.":
        "Выбытие — в другую организацию; внутри вашей запишите перевод.",
    "No such group.": "Такой группы нет.",
    "Unknown group.": "Неизвестная группа.",
    "Required for enrolment and transfer.": "Обязательно для зачисления и перевода.",
    "A group is required.": "Нужна группа.",
    "No such institution.": "Такой организации нет.",
    "Unknown institution.": "Неизвестная организация.",
    "Already enrolled.": "Уже зачислен.",
    "The child is enrolled already; record a transfer.": "Ребёнок уже зачислен; запишите перевод.",
    "Same group.": "Та же группа.",
    "The child is in this group already.": "Ребёнок уже в этой группе.",
    "No such organisation, or it is not yours to manage.": "Такой организации нет, или она не в вашем ведении.",
    "No such person, or not of your institution.": "Такого человека нет, или он не из вашей организации.",
    "Already has an account.": "Учётная запись уже есть.",
    "This person has an account already.": "У этого человека уже есть учётная запись.",
    "Already taken.": "Уже занято.",
    "Not grantable; use access codes or enrolment.": "Так не назначается: используйте коды доступа или "
                                                     "зачисление.",
    "Guardian and pupil roles come from guardianship and enrolment.":
        "Роли представителя и ученика возникают из представительства и зачисления.",
    "Person is not staff.": "Человек не сотрудник.",
    "Only staff hold staff roles.": "Роли сотрудников — только у сотрудников.",
    "You cannot grant this role in that scope.": "Вы не можете назначить эту роль в этих пределах.",
    "The account is deactivated.": "Учётная запись отключена.",
    "No such role assignment.": "Такого назначения роли нет.",
    "You cannot revoke this role.": "Вы не можете снять эту роль.",
    "You cannot deactivate your own account.": "Нельзя отключить собственную учётную запись.",
    "Only staff accounts take roles.": "Роли назначаются только учётным записям сотрудников.",
    "Pupils and guardians get their role from enrolment and guardianship.":
        "Ученики и представители получают роль через зачисление и представительство.",
    "Not enrolled anywhere.": "Нигде не зачислен.",
    "The pupil is not enrolled.": "Ученик не зачислен.",
    "Wrong scope.": "Неверные пределы.",
    "A department role is scoped to the department.": "Роль управления назначается в пределах управления.",
    "organisation_id required.": "Нужен organisation_id.",
    "This role needs an institution.": "Этой роли нужна организация.",
    "group_id required.": "Нужен group_id.",
    "This role needs a group of that institution.": "Этой роли нужна группа этой организации.",
    "group_id not allowed.": "group_id здесь не допускается.",
    "Only tutors and educators are bound to a group.": "К группе привязываются только классные "
                                                       "руководители и воспитатели.",
    "Only the department registers organisations.": "Организации регистрирует только управление.",
    "Unknown parent organisation.": "Неизвестная вышестоящая организация.",
    "Only the department opens academic years.": "Учебные годы открывает только управление.",
    "Must be after starts_on.": "Должно быть позже starts_on.",
    "The year ends before it starts.": "Год заканчивается раньше, чем начинается.",
    "Already exists.": "Уже существует.",
    "This academic year exists already.": "Такой учебный год уже есть.",
    "No such academic year.": "Такого учебного года нет.",
    "Unknown academic year.": "Неизвестный учебный год.",
    "Not an institution.": "Не образовательная организация.",
    "The department has no groups.": "У управления нет групп.",
    "Must be {expected}.": "Должно быть {expected}.",
    "Group kind does not fit the institution.": "Вид группы не подходит организации.",
    "Required for kindergarten groups.": "Обязательно для групп детского сада.",
    "A kindergarten group needs an age band.": "Группе детского сада нужна возрастная категория.",
    "Only for kindergarten groups.": "Только для групп детского сада.",
    "Only kindergarten groups have age bands.": "Возрастная категория есть только у групп детского сада.",
    "A group with this name exists in that year.": "Группа с таким названием в этом году уже есть.",
})

# Corrections of a person's record, the movement register and the year transition (issue 12).
MESSAGES = MESSAGES + Messages({
    "Required: cannot be empty.": "Обязательное поле: не может быть пустым.",
    "A birth date is neither in the future nor before 1900.":
        "Дата рождения не может быть в будущем или раньше 1900 года.",
    "Name at least one field to correct.": "Укажите хотя бы одно поле для исправления.",
    "The correction is not accepted: check the fields.": "Исправление не принято: проверьте поля.",
    "This person's personal data were erased: there is nothing to correct.":
        "Персональные данные этого человека удалены: исправлять нечего.",
    "The period is wrong.": "Период задан неверно.",
    "The period starts after it ends.": "Начало периода позже его конца.",
    "Too many entries for one book: choose a shorter period.":
        "Слишком много записей для одной книги: укажите период короче.",
    "At most {PDF_MAX_ROWS} entries in one document.": "Не более {PDF_MAX_ROWS} записей в одном документе.",
    "The transition is to a later academic year.": "Перевод возможен только в следующий учебный год.",
    "Must start after the year the pupils move from.":
        "Должен начинаться позже учебного года, из которого переводят.",
    "Pupils of this institution have entries in the new academic year already.":
        "В новом учебном году у обучающихся этой организации уже есть записи о зачислении.",
    "Already entered into groups of that year.": "Обучающиеся уже зачислены в группы этого учебного года.",
    "Name the order of the transition.": "Укажите приказ о переводе.",
    "Required to apply the transition.": "Обязательно для проведения перевода.",
    "There is nobody to move: the groups of this year have no pupils.":
        "Переводить некого: в группах этого учебного года нет обучающихся.",
    "No pupils in the groups of this year.": "Нет обучающихся в группах этого года.",
})
