"""Words and sentence patterns for the generated statements, in the five site languages.

Every list has the same length and order in every language, so one sequence of random
choices renders as parallel editions (the testbed's stand-in for translation).
"""

from __future__ import annotations

MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря"),
}

COUNTRIES: dict[str, tuple[str, ...]] = {
    "en": ("Armenia", "Serbia", "India", "Brazil", "Egypt", "Mongolia", "Argentina", "Laos",
           "Kenya", "Indonesia"),
    "ru": ("Армении", "Сербии", "Индии", "Бразилии", "Египта", "Монголии", "Аргентины", "Лаоса",
           "Кении", "Индонезии"),
    "de": ("Armenien", "Serbien", "Indien", "Brasilien", "Ägypten", "der Mongolei",
           "Argentinien", "Laos", "Kenia", "Indonesien"),
    "fr": ("l'Arménie", "la Serbie", "l'Inde", "le Brésil", "l'Égypte", "la Mongolie",
           "l'Argentine", "le Laos", "le Kenya", "l'Indonésie"),
    "es": ("Armenia", "Serbia", "la India", "Brasil", "Egipto", "Mongolia", "Argentina", "Laos",
           "Kenia", "Indonesia"),
}

TOPICS: dict[str, tuple[str, ...]] = {
    "en": ("the situation in the Middle East", "strategic stability", "the Black Sea grain trade",
           "cooperation in the Arctic", "the humanitarian situation in Syria",
           "international information security", "the Caspian summit",
           "the protection of compatriots abroad"),
    "ru": ("ситуации на Ближнем Востоке", "стратегической стабильности",
           "черноморской торговле зерном", "сотрудничестве в Арктике",
           "гуманитарной ситуации в Сирии", "международной информационной безопасности",
           "Каспийском саммите", "защите соотечественников за рубежом"),
    "de": ("die Lage im Nahen Osten", "die strategische Stabilität", "den Getreidehandel im "
           "Schwarzen Meer", "die Zusammenarbeit in der Arktis", "die humanitäre Lage in Syrien",
           "die internationale Informationssicherheit", "den Kaspischen Gipfel",
           "den Schutz der Landsleute im Ausland"),
    "fr": ("la situation au Proche-Orient", "la stabilité stratégique",
           "le commerce des céréales en mer Noire", "la coopération dans l'Arctique",
           "la situation humanitaire en Syrie", "la sécurité internationale de l'information",
           "le sommet de la Caspienne", "la protection des compatriotes à l'étranger"),
    "es": ("la situación en Oriente Próximo", "la estabilidad estratégica",
           "el comercio de cereales en el mar Negro", "la cooperación en el Ártico",
           "la situación humanitaria en Siria", "la seguridad internacional de la información",
           "la cumbre del Caspio", "la protección de los compatriotas en el extranjero"),
}

TAGS: dict[str, tuple[str, ...]] = {
    "en": ("Foreign policy", "Bilateral relations", "Security", "United Nations", "Economy",
           "Culture"),
    "ru": ("Внешняя политика", "Двусторонние отношения", "Безопасность", "ООН", "Экономика",
           "Культура"),
    "de": ("Außenpolitik", "Bilaterale Beziehungen", "Sicherheit", "Vereinte Nationen",
           "Wirtschaft", "Kultur"),
    "fr": ("Politique étrangère", "Relations bilatérales", "Sécurité", "Nations unies",
           "Économie", "Culture"),
    "es": ("Política exterior", "Relaciones bilaterales", "Seguridad", "Naciones Unidas",
           "Economía", "Cultura"),
}

TITLES: dict[str, dict[str, str]] = {
    "news": {
        "en": "Foreign Minister Sergey Lavrov's telephone conversation with the Foreign "
              "Minister of {country}",
        "ru": "О телефонном разговоре Министра иностранных дел России С.В.Лаврова с Министром "
              "иностранных дел {country}",
        "de": "Telefongespräch von Außenminister Sergej Lawrow mit dem Außenminister von "
              "{country}",
        "fr": "Entretien téléphonique du ministre Sergueï Lavrov avec le ministre des Affaires "
              "étrangères de {country}",
        "es": "Conversación telefónica del Ministro Serguéi Lavrov con el Canciller de {country}",
    },
    "statement": {
        "en": "Foreign Ministry statement on {topic}",
        "ru": "Заявление МИД России о {topic}",
        "de": "Erklärung des Außenministeriums zu {topic}",
        "fr": "Déclaration du ministère des Affaires étrangères sur {topic}",
        "es": "Declaración del Ministerio de Asuntos Exteriores sobre {topic}",
    },
    "comment": {
        "en": "Comment by Foreign Ministry Spokeswoman Maria Zakharova on {topic}",
        "ru": "Комментарий официального представителя МИД России М.В.Захаровой о {topic}",
        "de": "Kommentar der Sprecherin des Außenministeriums Maria Sacharowa zu {topic}",
        "fr": "Commentaire de la porte-parole Maria Zakharova sur {topic}",
        "es": "Comentario de la portavoz Maria Zajárova sobre {topic}",
    },
    "briefing": {
        "en": "Briefing by Foreign Ministry Spokeswoman Maria Zakharova, Moscow, {date}",
        "ru": "Брифинг официального представителя МИД России М.В.Захаровой, Москва, {date}",
        "de": "Briefing der Sprecherin des Außenministeriums Maria Sacharowa, Moskau, {date}",
        "fr": "Point de presse de la porte-parole Maria Zakharova, Moscou, {date}",
        "es": "Rueda de prensa de la portavoz Maria Zajárova, Moscú, {date}",
    },
}

SENTENCES: dict[str, tuple[str, ...]] = {
    "en": (
        "The sides discussed current issues of cooperation with {country}.",
        "Particular attention was paid to {topic}.",
        "We note with concern the growing tension around {topic}.",
        "Moscow is ready to continue a constructive dialogue on {topic}.",
        "The parties reaffirmed their commitment to the principles of the UN Charter.",
        "Contacts with {country} will continue at various levels.",
        "We call on all parties to show restraint and to resolve differences politically.",
        "The ministers agreed to coordinate their positions at international venues.",
        "Russia consistently supports a collective approach to {topic}.",
        "Trade and economic ties with {country} continue to grow despite external pressure.",
    ),
    "ru": (
        "Стороны обсудили актуальные вопросы сотрудничества с партнёрами из {country}.",
        "Особое внимание было уделено {topic}.",
        "С озабоченностью отмечаем нарастание напряжённости вокруг {topic}.",
        "Москва готова продолжать конструктивный диалог о {topic}.",
        "Стороны подтвердили приверженность принципам Устава ООН.",
        "Контакты с представителями {country} будут продолжены на различных уровнях.",
        "Призываем все стороны проявлять сдержанность и решать разногласия политическим путём.",
        "Министры договорились координировать позиции на международных площадках.",
        "Россия последовательно выступает за коллективный подход к {topic}.",
        "Торгово-экономические связи с партнёрами из {country} продолжают расти.",
    ),
    "de": (
        "Die Seiten erörterten aktuelle Fragen der Zusammenarbeit mit {country}.",
        "Besondere Aufmerksamkeit galt {topic}.",
        "Mit Sorge stellen wir wachsende Spannungen im Hinblick auf {topic} fest.",
        "Moskau ist bereit, den konstruktiven Dialog über {topic} fortzusetzen.",
        "Die Seiten bekräftigten ihr Bekenntnis zu den Grundsätzen der UN-Charta.",
        "Die Kontakte mit {country} werden auf verschiedenen Ebenen fortgesetzt.",
        "Wir rufen alle Seiten zur Zurückhaltung und zu politischen Lösungen auf.",
        "Die Minister vereinbarten, ihre Positionen in internationalen Foren abzustimmen.",
        "Russland tritt konsequent für einen kollektiven Ansatz in Bezug auf {topic} ein.",
        "Die Handels- und Wirtschaftsbeziehungen mit {country} wachsen weiter.",
    ),
    "fr": (
        "Les parties ont évoqué les questions actuelles de la coopération avec {country}.",
        "Une attention particulière a été accordée à {topic}.",
        "Nous constatons avec préoccupation la montée des tensions autour de {topic}.",
        "Moscou est prête à poursuivre un dialogue constructif sur {topic}.",
        "Les parties ont réaffirmé leur attachement aux principes de la Charte des Nations unies.",
        "Les contacts avec {country} se poursuivront à différents niveaux.",
        "Nous appelons toutes les parties à la retenue et à un règlement politique.",
        "Les ministres sont convenus de coordonner leurs positions sur la scène internationale.",
        "La Russie soutient toujours une approche collective concernant {topic}.",
        "Les liens commerciaux et économiques avec {country} continuent de se développer.",
    ),
    "es": (
        "Las partes abordaron cuestiones actuales de la cooperación con {country}.",
        "Se prestó especial atención a {topic}.",
        "Observamos con preocupación la creciente tensión en torno a {topic}.",
        "Moscú está dispuesta a continuar un diálogo constructivo sobre {topic}.",
        "Las partes reafirmaron su compromiso con los principios de la Carta de la ONU.",
        "Los contactos con {country} continuarán a diversos niveles.",
        "Instamos a todas las partes a la moderación y a una solución política.",
        "Los ministros acordaron coordinar sus posiciones en los foros internacionales.",
        "Rusia apoya de forma constante un enfoque colectivo respecto a {topic}.",
        "Los lazos comerciales y económicos con {country} siguen creciendo.",
    ),
}

UNOFFICIAL = "Unofficial translation from Russian"
