"""The gateway's error texts in Russian (kabinet_kit.i18n): the default language of its answers."""
from kabinet_kit.i18n import Messages

MESSAGES = Messages({
    "Revocation feed stale ({revocations.feed_state()}): the gateway cannot tell whether the token was revoked; "
    "only identity, which checks its own records, answers meanwhile.":
        "Сведения об отзыве токенов устарели ({revocations.feed_state()}): шлюз не может проверить, отозван ли "
        "токен; пока отвечает только служба учётных записей, которая проверяет свои записи сама.",
    "The revocation list cannot be read; authenticated calls are refused until it can.":
        "Список отозванных токенов недоступен; запросы с входом отклоняются, пока он не будет прочитан.",
    "Token signing keys cannot be fetched from identity; retry later.":
        "Ключи подписи токенов не получены от службы учётных записей; повторите позже.",
    "The identity service refused the caller.": "Служба учётных записей отказала в доступе.",
    "The identity service answered /me with {status}.": "Служба учётных записей ответила на /me кодом {status}.",
    "This endpoint is not published through the gateway.": "Этот адрес не опубликован через шлюз.",
    "The body may be at most {max_bytes} bytes.": "Тело запроса — не больше {max_bytes} байт.",
    "The body may be at most {gw.settings.max_body_bytes} bytes.":
        "Тело запроса — не больше {gw.settings.max_body_bytes} байт.",
    "Too many attempts from this address; wait and retry.": "Слишком много попыток с этого адреса; подождите.",
    "missing bearer token": "нет токена доступа (Authorization: Bearer)",
    "Percent-encoded '%' is not allowed in paths.": "Закодированный символ «%» в пути не допускается.",
    "Path segments '.' and '..' are not allowed.": "Части пути «.» и «..» не допускаются.",
    "Empty path segments are not allowed.": "Пустые части пути не допускаются.",
    "The {service} service is not deployed.": "Служба {service} не развёрнута.",
    "The {service} service is unreachable or fails its health check; retry later.":
        "Служба {service} недоступна или не проходит проверку состояния; повторите позже.",
    "The {service} service returned invalid JSON.": "Служба {service} вернула некорректный JSON.",
    "The {service} service did not answer in time.": "Служба {service} не ответила вовремя.",
    "The {service} service is unreachable; retry later.": "Служба {service} недоступна; повторите позже.",
    "The {service} service gave an invalid response.": "Служба {service} дала некорректный ответ.",
})
