"""The preschool cabinet's error texts in Russian (kabinet_kit.i18n): the default language of its answers."""
from kabinet_kit.i18n import Messages

MESSAGES = Messages({
    "Only the education department may do this.": "Это может только управление образования.",
    "Lower-case latin letters, digits, - and _.": "Строчные латинские буквы, цифры, - и _.",
    "No catalogue version is published.": "Ни одна версия каталога не опубликована.",
    "Catalogue version {number} does not exist.": "Версии каталога {number} нет.",
    "A draft catalogue version already exists; publish it first.":
        "Черновик версии каталога уже есть; сначала опубликуйте его.",
    "Catalogue version {number} is published and cannot change; create a new version.":
        "Версия каталога {number} опубликована и не меняется; создайте новую версию.",
    "A card with this code is already in this version.": "Карта с таким кодом в этой версии уже есть.",
    "The card exists.": "Карта уже есть.",
    "No card with this code in version {number}.": "В версии {number} нет карты с таким кодом.",
    "Unknown card.": "Неизвестная карта.",
    "Levels must be numbered 1, 2, … without gaps.": "Уровни нумеруются 1, 2, … без пропусков.",
    "Bad level scale.": "Неверная шкала уровней.",
    "Already in this card and age band.": "Уже есть в этой карте и возрастной категории.",
    "The indicator exists.": "Показатель уже есть.",
    "The version has no indicators.": "В версии нет показателей.",
    "An empty catalogue cannot be published.": "Пустой каталог опубликовать нельзя.",
    "No such child.": "Такого ребёнка нет.",
    "Only the educator of the child's own group may record this.":
        "Записывать это может только воспитатель группы ребёнка.",
    "No such group.": "Такой группы нет.",
    "No such round for this child's kindergarten.": "У детского сада ребёнка такого этапа наблюдения нет.",
    "Unknown round.": "Неизвестный этап наблюдения.",
    "Closed.": "Закрыт.",
    "The round is closed: its observations can no longer change.":
        "Этап наблюдения закрыт: его наблюдения больше не меняются.",
    "Nothing was recorded; see errors.": "Ничего не записано; см. errors.",
    "No such card in the current catalogue.": "В действующем каталоге такой карты нет.",
    "The report is for the kindergarten's administration and the department.":
        "Отчёт — для администрации детского сада и управления.",
    "No such round.": "Такого этапа наблюдения нет.",
    "Must fall within the academic year.": "Должно быть в пределах учебного года.",
    "Deadline outside the year.": "Срок вне учебного года.",
    "Not a known kindergarten.": "Неизвестный детский сад.",
    "Unknown kindergarten.": "Неизвестный детский сад.",
    "Not a known academic year.": "Неизвестный учебный год.",
    "Unknown academic year.": "Неизвестный учебный год.",
    "Round {data['number']} of this year is already open for this kindergarten.":
        "Этап {data['number']} этого года для этого детского сада уже открыт.",
    "Not your kindergarten.": "Не ваш детский сад.",
    "A closed round is not reopened; its figures are final.": "Закрытый этап не открывается заново: его "
                                                              "итоги окончательны.",
    "The route was not saved; see errors.": "Маршрут не сохранён; см. errors.",
    "City statistics are for the department; name a group or a kindergarten.":
        "Статистика по городу — для управления; укажите группу или детский сад.",
    "Kindergarten statistics are for its administration and the department.":
        "Статистика детского сада — для его администрации и управления.",
    "Completeness is for the kindergarten's administration and the department.":
        "Полнота заполнения — для администрации детского сада и управления.",
    "City-wide completeness is for the department; name your kindergarten.":
        "Полнота по городу — для управления; укажите свой детский сад.",
})
