"""catalogue version 1: seven cards × three age bands (seed 000 §2.1–2.2), from the areas of
the federal preschool standard (ФГОС ДО). Frozen data: later versions are added through the API.

Revision ID: 0002
Revises: 0001
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Three levels for every indicator of version 1: how independently the child shows it.
LEVELS = (
    (1, "Не проявляется или проявляется только с помощью взрослого: {}"),
    (2, "Проявляется частично, с подсказкой взрослого: {}"),
    (3, "Проявляется самостоятельно и устойчиво: {}"),
)

CARDS = [
    ("sport", "Спорт", {
        "middle": ["ходит и бегает, сохраняя равновесие и направление движения",
                   "ловит и бросает мяч двумя руками",
                   "выполняет утреннюю гимнастику вместе со взрослым"],
        "senior": ["прыгает в длину с места и через скакалку",
                   "участвует в подвижных играх с правилами",
                   "знает и соблюдает правила здорового образа жизни"],
        "preparatory": ["выполняет основные движения ловко и координированно",
                        "участвует в спортивных играх и эстафетах, соблюдая правила",
                        "самостоятельно следит за осанкой и гигиеной"],
    }),
    ("cognition", "Познание", {
        "middle": ["различает и называет основные цвета и формы",
                   "считает предметы в пределах пяти",
                   "называет признаки времён года"],
        "senior": ["считает в пределах десяти и сравнивает группы предметов",
                   "ориентируется в пространстве и на листе бумаги",
                   "устанавливает простые причинно-следственные связи в природе"],
        "preparatory": ["решает простые арифметические задачи",
                        "классифицирует предметы по нескольким признакам",
                        "знает свой город, страну и их символы"],
    }),
    ("speech", "Речь", {
        "middle": ["отвечает на вопросы простыми распространёнными предложениями",
                   "пересказывает короткие знакомые сказки",
                   "правильно произносит большинство звуков родного языка"],
        "senior": ["составляет рассказ по картинке",
                   "подбирает слова с противоположным значением",
                   "выразительно читает наизусть стихотворения"],
        "preparatory": ["составляет связный рассказ из личного опыта",
                        "проводит звуковой анализ слова",
                        "использует в речи сложные предложения"],
    }),
    ("creativity", "Творчество", {
        "middle": ["рисует предметы простой формы",
                   "лепит знакомые предметы из пластилина",
                   "поёт несложные песни вместе с группой"],
        "senior": ["создаёт сюжетные рисунки и композиции",
                   "выполняет аппликацию из готовых и вырезанных форм",
                   "двигается ритмично под музыку"],
        "preparatory": ["самостоятельно выбирает материал и способ изображения",
                        "создаёт поделки из бумаги и природного материала по замыслу",
                        "исполняет песни и танцы выразительно"],
    }),
    ("communication", "Общение", {
        "middle": ["играет рядом и вместе со сверстниками",
                   "использует вежливые слова в общении",
                   "обращается ко взрослому за помощью"],
        "senior": ["договаривается со сверстниками о правилах игры",
                   "проявляет сочувствие и готовность помочь",
                   "выполняет поручения и дежурства"],
        "preparatory": ["разрешает споры словами, без конфликта",
                        "работает в команде над общим делом",
                        "оценивает свои поступки и поступки других"],
    }),
    ("interest", "Интересное дело", {
        "middle": ["занимается любимым делом некоторое время",
                   "проявляет любопытство и задаёт вопросы",
                   "доводит начатое дело до конца с помощью взрослого"],
        "senior": ["выбирает занятие по интересам",
                   "задаёт познавательные вопросы и ищет ответы",
                   "рассказывает о своих увлечениях"],
        "preparatory": ["самостоятельно планирует деятельность по интересам",
                        "проявляет настойчивость в достижении результата",
                        "представляет результаты своего дела другим"],
    }),
    ("technoworld", "Техномир", {
        "middle": ["строит простые постройки из крупного конструктора",
                   "называет знакомую бытовую технику и её назначение",
                   "соблюдает правила безопасного обращения с предметами"],
        "senior": ["конструирует по образцу и схеме",
                   "проводит простые опыты с водой, воздухом и магнитом",
                   "понимает назначение транспорта и машин"],
        "preparatory": ["создаёт конструкции по собственному замыслу",
                        "собирает простые модели с движущимися частями",
                        "объясняет, как устроены знакомые механизмы"],
    }),
]


def upgrade() -> None:
    bind = op.get_bind()
    meta = sa.MetaData()
    versions = sa.Table("catalogue_versions", meta, autoload_with=bind)
    cards = sa.Table("cards", meta, autoload_with=bind)
    indicators = sa.Table("indicators", meta, autoload_with=bind)
    levels = sa.Table("indicator_levels", meta, autoload_with=bind)
    now = datetime.now(UTC).replace(tzinfo=None) if bind.dialect.name == "sqlite" else datetime.now(UTC)
    version_id = bind.execute(versions.insert().values(
        number=1, title="Карты наблюдений «Личного кабинета дошкольника», версия 1",
        basis="Приказ от 07.09.2017 № СЭД-059-08-01-09-1131", status="published", created_at=now,
        published_at=now).returning(versions.c.id)).scalar_one()
    for card_pos, (code, title, bands) in enumerate(CARDS, start=1):
        card_id = bind.execute(cards.insert().values(version_id=version_id, code=code, title=title,
                                                     position=card_pos).returning(cards.c.id)).scalar_one()
        for band, items in bands.items():
            for pos, text in enumerate(items, start=1):
                indicator_id = bind.execute(indicators.insert().values(
                    card_id=card_id, age_band=band, code=f"{code}-{band}-{pos}", title=text[0].upper() + text[1:],
                    position=pos, max_level=len(LEVELS)).returning(indicators.c.id)).scalar_one()
                bind.execute(levels.insert(), [{"indicator_id": indicator_id, "level": n, "description": d.format(text)}
                                               for n, d in LEVELS])


def downgrade() -> None:
    bind = op.get_bind()
    bind.execute(sa.text("DELETE FROM indicator_levels WHERE indicator_id IN (SELECT i.id FROM indicators i "
                         "JOIN cards c ON c.id = i.card_id JOIN catalogue_versions v ON v.id = c.version_id "
                         "WHERE v.number = 1)"))
    bind.execute(sa.text("DELETE FROM indicators WHERE card_id IN (SELECT c.id FROM cards c JOIN catalogue_versions v "
                         "ON v.id = c.version_id WHERE v.number = 1)"))
    bind.execute(sa.text("DELETE FROM cards WHERE version_id IN (SELECT id FROM catalogue_versions WHERE number = 1)"))
    bind.execute(sa.text("DELETE FROM catalogue_versions WHERE number = 1"))
