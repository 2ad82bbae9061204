"""The site's page frame: head, header, footer, boilerplate blocks and error templates."""

from __future__ import annotations

from html import escape

from testbed.noise import Noise, attributes

SITE_NAME = {
    "ru": "Министерство иностранных дел Российской Федерации",
    "en": "The Ministry of Foreign Affairs of the Russian Federation",
    "de": "Ministerium für auswärtige Angelegenheiten der Russischen Föderation",
    "fr": "Ministère des Affaires étrangères de la Fédération de Russie",
    "es": "Ministerio de Asuntos Exteriores de la Federación de Rusia",
}
LABELS = {
    "ru": ("Новости", "Поиск", "Дополнительные материалы", "Расширенные настройки",
           "Страница не найдена", "Просмотров"),
    "en": ("News", "Search", "Additional materials", "Advanced settings", "Page not found",
           "Views"),
    "de": ("Nachrichten", "Suche", "Zusätzliche Materialien", "Erweiterte Einstellungen",
           "Seite nicht gefunden", "Aufrufe"),
    "fr": ("Actualités", "Recherche", "Documents supplémentaires", "Paramètres avancés",
           "Page introuvable", "Vues"),
    "es": ("Noticias", "Búsqueda", "Materiales adicionales", "Configuración avanzada",
           "Página no encontrada", "Visitas"),
}
ADVERTS = (
    "International affairs journal: subscribe to the 2021 issues",
    "Diplomatic Academy open day, 28 November",
    "Consular services: book an appointment online",
    "Photo exhibition 'Russia and the world' at the Ministry",
)
INTERSTITIAL = (
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" "
    "content=\"1\"><title>mid.ru</title></head><body><div class=\"loader\">Data processing... "
    "Please, wait.</div><script>document.cookie='{cookie}';location.reload();</script>"
    "</body></html>"
)


def head(lang: str, title: str, noise: Noise, canonical: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)} - {SITE_NAME[lang]}</title>\n"
        f'<meta name="csrf-token" content="{noise.csrf}">\n'
        f'<link rel="canonical" href="{canonical}">\n'
        '<link rel="stylesheet" href="/local/templates/mid/css/main.css?v=2020.11">\n'
        '<script src="/local/templates/mid/js/app.js?v=2020.11" defer></script>\n'
        f'<script>window.BX_MESSAGES = {{"bitrix_sessid": "{noise.csrf[:32]}"}};</script>\n'
        "</head>\n<body>\n"
        '<header class="header">\n'
        f'<a class="header__logo" href="/{lang}/">{SITE_NAME[lang]}</a>\n'
        f'<nav class="header__nav"><a href="/{lang}/foreign_policy/news/">{LABELS[lang][0]}</a> '
        f'<a href="/search/?q=">{LABELS[lang][1]}</a> <a href="/{lang}/rss.php">RSS</a></nav>\n'
        "</header>\n<main class=\"page\">\n"
    )


def boilerplate(lang: str, noise: Noise, offsite: str = "") -> str:
    """The trailing blocks every statement page carries; the advert sits inside them."""
    advert = escape(ADVERTS[noise.advert % len(ADVERTS)])
    ad_attrs = attributes(noise, ("class", "banner"), ("data-slot", "article-bottom"))
    return (
        f'<div class="additional-materials">\n<h2>{LABELS[lang][2]}</h2>\n'
        f'<div {ad_attrs}><a href="/{lang}/press_service/">{advert}</a></div>\n{offsite}'
        f'</div>\n<div class="advanced-settings">\n<h2>{LABELS[lang][3]}</h2>\n'
        '<button class="advanced-settings__print" type="button">Print</button>\n</div>\n'
    )


def foot(noise: Noise) -> str:
    return (
        "</main>\n<footer class=\"footer\">\n<p>&copy; 2005-2020 MID RF</p>\n"
        f'<p class="footer__generated">{noise.generated}</p>\n</footer>\n'
        '<script>(function(){var c=document.createElement("img");'
        'c.src="/bitrix/spread.php?r="+Math.random();})();</script>\n</body>\n</html>\n'
    )


def error_page(lang: str, noise: Noise, message: str | None = None) -> str:
    """The site's own error look, used for 404s, 5xx and the error-with-200 fault."""
    text = escape(message or LABELS[lang][4])
    return (
        head(lang, text, noise, f"/{lang}/")
        + f'<div class="error-page">\n<h1 class="error-page__title">{text}</h1>\n'
        f'<p class="error-page__text"><a href="/{lang}/">{SITE_NAME[lang]}</a></p>\n</div>\n'
        + foot(noise)
    )
