"""Example request bodies shown in the OpenAPI document (each valid for its schema; a test checks)."""

ORG = "3f1c2a5e-8b0d-4e6f-9a1b-2c3d4e5f6a7b"
YEAR = "7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"
CHILD = "c4a1e2b3-d5f6-4a7b-9c8d-e1f2a3b4c5d6"
ROUND = "4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e"

VERSION = {"title": "Картотека 2026/2027", "basis": "Приказ № 45 от 20.08.2026", "copy_current": True}
CARD = {"code": "speech", "title": "Речевое развитие"}
INDICATOR = {"card_code": "speech", "age_band": "senior", "code": "speech-sounds",
             "title": "Правильно произносит все звуки родного языка",
             "levels": [{"level": 1, "description": "Не произносит"},
                        {"level": 2, "description": "С помощью взрослого"},
                        {"level": 3, "description": "Самостоятельно"}]}
ROUND_IN = {"organisation_id": ORG, "academic_year_id": YEAR, "number": 1, "title": "Осенний мониторинг",
            "deadline": "2026-10-15"}
ROUND_PATCH = {"status": "closed"}
OBSERVATION = {"child_id": CHILD, "round_id": ROUND, "indicator_id": 17, "level": 3,
               "note": "Называет цвета без подсказки"}
CARD_OBSERVATIONS = {"observations": [{"indicator_id": 17, "level": 3}, {"indicator_id": 18, "level": 2,
                                                                          "note": "С помощью взрослого"}]}
ROUTE = {"goals": [{"card_code": "speech", "goal": "Различать на слух звуки [с] и [ш]",
                    "activities": "Игры «Эхо», «Поймай звук» два раза в неделю", "review_on": "2026-12-01"}],
         "publish": True}
RECOMMENDATION = {"text": "Читайте вместе по 15 минут в день и просите пересказать.", "card_code": "speech"}
