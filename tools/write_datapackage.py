"""Write data/raw/datapackage.json (and data/raw/schemas/): every raw file, its Table Schema and its source.

This file is the one to edit: data/raw/datapackage.json is generated from it, and a hand edit there
would be lost at the next run (tests/test_datapackage.py fails when the two differ). Kept as code so
that a new resource is one entry in a list; run `.venv/bin/python tools/write_datapackage.py`. The
questionnaire's answers come from `cln_analysis.retours`, so the schema and the reader cannot drift apart.
"""

import json
from pathlib import Path

from cln_analysis.retours import QUESTIONS

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"

PRES = {
    "title": "Ville de Roubaix, présentation au Conseil local du numérique du 31 janvier 2026",
    "document": "Présentation plénière du CLN",
    "date": "2026-01-31",
}
CR = {
    "title": "Ville de Roubaix, compte-rendu aux membres du Conseil local du numérique du 2 décembre 2025",
    "document": "Compte-rendu du CLN du 28 novembre 2025",
    "date": "2025-12-02",
}
DITP = {
    "title": "Direction interministérielle de la transformation publique (DITP), communiqué « Laurent Marcangeli fait "
    "un bilan du Plan téléphone à la DDFiP d'Amiens : hausse de la satisfaction des usagers et du taux de décroché », "
    "28 août 2025 (programme Services Publics+, engagement n°6)",
    "document": "Communiqué de presse de la DITP",
    "date": "2025-08-28",
    "emplacement": "paragraphes « Améliorer le canal de contact privilégié des Français » et « Atteindre un taux de "
                   "décroché de 85 % »",
}


def src(base, where):
    return dict(base, emplacement=where, title=f"{base['title']}, {where}")


def f(name, type_, title, description, **constraints):
    d = {"name": name, "type": type_, "title": title, "description": description}
    if constraints:
        d["constraints"] = constraints
    return d


#: The source of every invented example file (shown with the « Données fictives » banner).
SOURCE_FICTIVE = {
    "title": "Données fictives créées pour le projet cln-analysis",
    "document": "aucun",
    "date": "2026-11-21",
    "emplacement": "sans objet",
}

EUR = "euros"

#: Forms of a month that Excel writes (`avr-26`, `avr. 2026`, `04/2026`, a date cell) are read as `2026-04`.
PERIODE = dict(
    f(
        "periode",
        "string",
        "Période",
        "Une année (2025) ou un mois (2026-03 ; aussi avr-26, avr. 2026, "
        "04/2026 ou une date du 1er du mois, comme Excel les écrit)",
        required=True,
        pattern=r"\d{4}(-(0[1-9]|1[0-2]))?",
    ),
    formesExcel="mois",
)
APPELS_SCHEMA = {
    "fields": [
        PERIODE,
        f("appels_recus", "integer", "Appels reçus", "Nombre d'appels reçus", required=True, minimum=0),
        f(
            "appels_perdus",
            "integer",
            "Appels perdus",
            "Appels arrivés dans la file des agents et restés sans réponse",
            required=True,
            minimum=0,
        ),
        f("appels_repondus", "integer", "Appels répondus", "Appels décrochés par un agent", required=True, minimum=0),
        f(
            "appels_callbot",
            "integer",
            "Appels pris par le callbot",
            "Appels décrochés par le callbot, quelle qu'en soit la suite (expérimentation ; vide avant)",
            minimum=0,
        ),
        f(
            "resolus_callbot",
            "integer",
            "Résolus par le callbot",
            "Appels terminés par le callbot sans aucun agent (expérimentation ; vide avant)",
            minimum=0,
        ),
        f(
            "abandons_callbot",
            "integer",
            "Abandons pendant le callbot",
            "Appels où l'usager a raccroché pendant l'échange avec le callbot (expérimentation ; vide avant)",
            minimum=0,
        ),
        f(
            "transferts_agent",
            "integer",
            "Transferts vers un agent",
            "Appels que le callbot a passés dans la file des agents (expérimentation ; vide avant)",
            minimum=0,
        ),
        f(
            "appels_hors_horaires",
            "integer",
            "Appels hors horaires",
            "Appels reçus en dehors des heures d'ouverture du standard",
            minimum=0,
        ),
        f(
            "attente_moyenne_s",
            "number",
            "Attente moyenne (s)",
            "Attente moyenne, en secondes, des appels répondus par un agent",
            minimum=0,
        ),
    ],
    "primaryKey": ["periode"],
}
RESOURCES = [
    {
        "name": "budget_mandate",
        "path": "budget_mandate.csv",
        "title": "Budget numérique et budget total mandatés, par section",
        "description": "Dépenses mandatées de la Ville de Roubaix : part consacrée au numérique "
        "« directement au service des habitants » et total de la section. Données établies avec le "
        "service Contrôle de gestion de la Direction des finances, en association avec le service Politique de la "
        "ville.",
        "sources": [
            src(PRES, "diapositive « Quelle est la part du budget municipal consacrée au numérique en 2025 ? »")
        ],
        "schema": {
            "fields": [
                f("annee", "year", "Année", "Exercice budgétaire", required=True),
                f(
                    "section",
                    "string",
                    "Section",
                    "Section budgétaire",
                    required=True,
                    enum=["investissement", "fonctionnement"],
                ),
                f(
                    "budget_numerique",
                    "integer",
                    "Budget numérique (€)",
                    "Dépenses numériques mandatées, en euros",
                    required=True,
                    minimum=0,
                ),
                f(
                    "budget_total",
                    "integer",
                    "Budget total (€)",
                    "Dépenses totales mandatées de la section, en euros",
                    required=True,
                    minimum=0,
                ),
            ],
            "primaryKey": ["annee", "section"],
        },
    },
    {
        "name": "budget_primitif",
        "path": "budget_primitif.csv",
        "title": "Budget primitif voté",
        "description": "Budget primitif voté en conseil municipal. Le compte-rendu l'arrondit à 10 000 € (229,51 M€).",
        "sources": [
            src(CR, "page 3, note 1 (« budget primitif 2025 voté lors du conseil municipal du 6 février : 229,51 M€ »)")
        ],
        "schema": {
            "fields": [
                f("annee", "year", "Année", "Exercice budgétaire", required=True),
                f(
                    "montant_vote",
                    "integer",
                    "Montant voté (€)",
                    "Budget primitif voté, en euros",
                    required=True,
                    minimum=0,
                ),
                f("date_vote", "date", "Date du vote", "Date du conseil municipal (AAAA-MM-JJ)", required=True),
            ],
            "primaryKey": ["annee"],
        },
    },
    {
        "name": "territoire",
        "path": "territoire.csv",
        "title": "Chiffres de contexte du territoire roubaisien",
        "description": "Population et indicateurs de contexte cités dans l'annexe du compte-rendu.",
        "sources": [src(CR, "annexe, diapositive « Contexte – Le territoire roubaisien »")],
        "schema": {
            "fields": [
                f("indicateur", "string", "Indicateur", "Identifiant de l'indicateur", required=True, unique=True),
                f("valeur", "number", "Valeur", "Valeur (une part est écrite entre 0 et 1)", required=True, minimum=0),
                f("unite", "string", "Unité", "habitants ou ratio", required=True, enum=["habitants", "ratio"]),
                f("millesime", "string", "Millésime", "Année et producteur de la donnée", required=True),
                f("source", "string", "Source", "Document et page", required=True),
            ],
            "primaryKey": ["indicateur"],
        },
    },
    {
        "name": "cvs_categories",
        "path": "cvs_categories.csv",
        "title": "Contrat de ville et des solidarités, projets numériques par catégorie",
        "description": "Nombre de projets financés et montant attribué, par catégorie (écrivains publics, autres "
                       "projets).",
        "sources": [
            src(PRES, "diapositive « Quel a été le budget alloué en 2025 pour lutter contre la précarité numérique ? »")
        ],
        "schema": {
            "fields": [
                f("annee", "year", "Année", "Année de programmation", required=True),
                f(
                    "categorie",
                    "string",
                    "Catégorie",
                    "ecrivains_publics ou autres",
                    required=True,
                    enum=["ecrivains_publics", "autres"],
                ),
                f("projets", "integer", "Projets financés", "Nombre de projets financés", required=True, minimum=0),
                f(
                    "montant_attribue",
                    "integer",
                    "Montant attribué (€)",
                    "Montant attribué, en euros",
                    required=True,
                    minimum=0,
                ),
            ],
            "primaryKey": ["annee", "categorie"],
        },
    },
    {
        "name": "cvs_annees",
        "path": "cvs_annees.csv",
        "title": "Contrat de ville et des solidarités, numérique : totaux par année",
        "description": "Projets déposés ou financés, montants sollicités et attribués, tels que la diapositive les "
                       "imprime. "
        "Une cellule vide : la diapositive ne donne pas le chiffre.",
        "sources": [
            src(PRES, "diapositive « Quel a été le budget alloué en 2025 pour lutter contre la précarité numérique ? »")
        ],
        "schema": {
            "fields": [
                f("annee", "year", "Année", "Année de programmation", required=True),
                f("projets_deposes", "integer", "Projets déposés", "Nombre de projets déposés", minimum=0),
                f("projets_finances", "integer", "Projets financés", "Nombre de projets financés", minimum=0),
                f(
                    "montant_sollicite",
                    "integer",
                    "Montant sollicité (€)",
                    "Montant demandé par les porteurs, en euros",
                    minimum=0,
                ),
                f("montant_attribue", "integer", "Montant attribué (€)", "Montant attribué, en euros", minimum=0),
            ],
            "primaryKey": ["annee"],
        },
    },
    {
        "name": "cvs_cofinancement",
        "path": "cvs_cofinancement.csv",
        "title": "Règle de co-financement Ville / État du Contrat de ville et des solidarités",
        "description": "Part de la Ville et de l'État dans le financement d'un projet, selon qu'il est nouveau ou "
                       "reconduit.",
        "sources": [
            src(
                PRES,
                "diapositive « Quel a été le budget alloué en 2025 pour lutter contre la précarité numérique ? », "
                "encadré « Qu'est-ce que le CVS ? »",
            )
        ],
        "schema": {
            "fields": [
                f(
                    "statut",
                    "string",
                    "Statut du projet",
                    "nouveau ou reconduit",
                    required=True,
                    enum=["nouveau", "reconduit"],
                ),
                f("part_ville", "number", "Part de la Ville", "Entre 0 et 1", required=True, minimum=0, maximum=1),
                f("part_etat", "number", "Part de l'État", "Entre 0 et 1", required=True, minimum=0, maximum=1),
            ],
            "primaryKey": ["statut"],
        },
    },
    {
        "name": "cvs_porteurs",
        "path": "cvs_porteurs.csv",
        "title": "Contrat de ville et des solidarités : porteurs de projets que la diapositive nomme",
        "description": "Les structures nommées, telles que la diapositive les écrit. La liste n'est pas complète : "
        "la diapositive ne nomme pas tous les porteurs des « autres projets ».",
        "sources": [
            src(
                PRES,
                "diapositive « Quel a été le budget alloué en 2025 pour lutter contre la précarité numérique ? », "
                "encadrés « Écrivains publics : un dispositif phare » et « Les autres projets »",
            )
        ],
        "schema": {
            "fields": [
                f("annee", "year", "Année", "Année de programmation", required=True),
                f(
                    "categorie",
                    "string",
                    "Catégorie",
                    "ecrivains_publics ou autres",
                    required=True,
                    enum=["ecrivains_publics", "autres"],
                ),
                f("porteur", "string", "Porteur", "Nom de la structure, tel qu'imprimé", required=True),
                f("type_porteur", "string", "Type de porteur", "Centre social, association…", required=True),
            ],
            "primaryKey": ["annee", "categorie", "porteur"],
        },
    },
    {
        "name": "appels_standard",
        "path": "appels_standard.csv",
        "title": "Activité du standard téléphonique de la Ville",
        "description": "Appels reçus, perdus et répondus, par année (AAAA) ou par mois (AAAA-MM). Les six colonnes de "
        "l'expérimentation du callbot sont facultatives : remplies pour les mois de l'expérimentation, vides avant. "
        "Une ligne sans elles vérifie reçus = perdus + répondus ; une ligne avec elles vérifie reçus = résolus par le "
        "callbot + abandons pendant le callbot + répondus + perdus, et appels pris par le callbot = résolus + abandons "
        "+ transferts vers un agent.",
        "sources": [src(PRES, "diapositive « L'activité du standard en chiffres »")],
        "schema": APPELS_SCHEMA,
    },
    {
        "name": "appels_essai_exemple",
        "path": "appels_essai_exemple.csv",
        "title": "Activité du standard pendant l'expérimentation du callbot : exemple FICTIF",
        "description": "DONNÉES INVENTÉES pour montrer la forme du suivi mensuel avant que la Ville transmette les "
        "chiffres de l'expérimentation. Aucun de ces nombres n'a été mesuré. Même schéma que appels_standard.",
        "sources": [SOURCE_FICTIVE],
        "schema": APPELS_SCHEMA,
        "fictif": True,
        "banniere": "Ce rapport est calculé sur un exemple inventé de suivi mensuel de l'expérimentation du callbot, "
        "pour montrer sa forme avant que la Ville transmette les vrais chiffres. Aucun des chiffres de 2026 n'a été "
        "mesuré.",
    },
    {
        "name": "appels_reference",
        "path": "appels_reference.csv",
        "title": "Référence nationale de l'accueil téléphonique des services publics",
        "description": "Services Publics+, engagement n°6, et « Plan téléphone » de l'État : définition du taux de "
        "décroché par un agent, objectif de 85 %, résultats nationaux. Un contexte, pas un objectif fixé à la Ville.",
        "sources": [DITP],
        "schema": {
            "fields": [
                f("indicateur", "string", "Indicateur", "Identifiant de l'indicateur", required=True, unique=True),
                f(
                    "valeur",
                    "number",
                    "Valeur",
                    "Un taux, écrit entre 0 et 1 ; vide pour une définition",
                    minimum=0,
                    maximum=1,
                ),
                f("annee", "year", "Année", "Année de la mesure ou de l'objectif"),
                f("libelle", "string", "Libellé", "Ce que le chiffre désigne", required=True),
                f("texte_source", "string", "Texte de la source", "La phrase du document", required=True),
            ],
            "primaryKey": ["indicateur"],
        },
    },
    {
        "name": "appels_contexte",
        "path": "appels_contexte.csv",
        "title": "Chiffres de contexte du service des accueils centraux",
        "description": "Effectif, durée moyenne d'un appel, attente, part des transferts et objectif, tels que les "
                       "diapositives les donnent.",
        "sources": [
            src(
                PRES,
                "diapositives « Le service des accueils centraux », « L'activité du standard en chiffres », "
                "« Qu'est-ce que le callbot ? », « Améliorer les conditions de travail des agents », « Les buts "
                "poursuivis »",
            )
        ],
        "schema": {
            "fields": [
                f("indicateur", "string", "Indicateur", "Identifiant de l'indicateur", required=True, unique=True),
                f("valeur", "number", "Valeur", "Valeur (une part est écrite entre 0 et 1)", required=True, minimum=0),
                f("unite", "string", "Unité", "Unité de la valeur", required=True),
                f("texte_source", "string", "Texte de la source", "La phrase de la diapositive", required=True),
            ],
            "primaryKey": ["indicateur"],
        },
    },
    {
        "name": "grille_criteres",
        "path": "grille_criteres.csv",
        "title": "Grille d'avis sur un agent conversationnel : les 8 critères",
        "description": "Chaque critère, sa question et les 4 points évalués. Méthodologie d'après CIVITEO / Cité "
                       "Ressource et la Boussole de l'IA de Nantes Métropole.",
        "sources": [src(PRES, "diapositives « Comment rendre avis sur le recours à un agent conversationnel ? »")],
        "schema": {
            "fields": [
                f(
                    "ordre",
                    "integer",
                    "Ordre",
                    "Ordre du critère dans la grille",
                    required=True,
                    minimum=1,
                    unique=True,
                ),
                f(
                    "critere",
                    "string",
                    "Critère",
                    "Identifiant du critère",
                    required=True,
                    unique=True,
                    pattern="[a-z_]+",
                ),
                f("titre", "string", "Titre", "Titre du critère", required=True, unique=True),
                f("question", "string", "Question", "Question posée", required=True),
                f("point_1", "string", "Point évalué 1", "Ce qu'on évalue", required=True),
                f("point_2", "string", "Point évalué 2", "Ce qu'on évalue", required=True),
                f("point_3", "string", "Point évalué 3", "Ce qu'on évalue", required=True),
                f("point_4", "string", "Point évalué 4", "Ce qu'on évalue", required=True),
            ],
            "primaryKey": ["critere"],
        },
    },
    {
        "name": "grille_niveaux",
        "path": "grille_niveaux.csv",
        "title": "Grille d'avis : les 5 niveaux de notation",
        "description": "Note de 0 à 4, libellé et description.",
        "sources": [
            src(
                PRES,
                "diapositives « Comment rendre avis sur le recours à un agent conversationnel ? », « Grille de "
                "notation »",
            )
        ],
        "schema": {
            "fields": [
                f("note", "integer", "Note", "De 0 à 4", required=True, minimum=0, maximum=4, unique=True),
                f("libelle", "string", "Libellé", "Libellé du niveau", required=True),
                f("description", "string", "Description", "Ce que le niveau signifie", required=True),
            ],
            "primaryKey": ["note"],
        },
    },
    {
        "name": "grille_notes_exemple",
        "path": "grille_notes_exemple.csv",
        "title": "Notes de la grille : exemple FICTIF",
        "description": "DONNÉES INVENTÉES pour montrer le rapport avant que les membres aient rendu leurs grilles. "
        "Les noms sont fictifs ; aucune de ces notes n'a été donnée par un membre du CLN.",
        "sources": [SOURCE_FICTIVE],
        "schema": {
            "fields": [f("repondant", "string", "Répondant", "Nom ou pseudonyme du membre", required=True, unique=True)]
            + [
                f(
                    c,
                    "string",
                    t,
                    "Note de 0 à 4, « NSPP » ou vide pour une abstention",
                    enum=["0", "1", "2", "3", "4", "NSPP"],
                )
                for c, t in [
                    ("usage", "Usage, intérêt fonctionnel"),
                    ("coherence", "Cohérence, stratégie de territoire"),
                    ("impact_metiers", "Impact métiers"),
                    ("vie_privee", "Protection de la vie privée"),
                    ("transparence", "Transparence, souveraineté"),
                    ("fiabilite", "Fiabilité, biais ou erreurs"),
                    ("environnement", "Efficacité environnementale"),
                    ("gouvernance", "Gouvernance citoyenne"),
                ]
            ],
            "primaryKey": ["repondant"],
        },
        "fictif": True,
    },
    {
        "name": "retours_exemple",
        "path": "retours_exemple.csv",
        "title": "Retours des habitants sur le callbot : exemple FICTIF",
        "description": "DONNÉES INVENTÉES pour montrer le rapport « retours » avant que le CLN ait recueilli "
        "les retours des habitants pendant l'expérimentation du callbot. Aucun habitant n'a donné ces réponses ; "
        "les commentaires sont inventés eux aussi (et, comme tout commentaire, ne sont jamais publiés). Une ligne "
        "par habitant ; une case vide vaut « pas de réponse ».",
        "sources": [SOURCE_FICTIVE],
        "schema": {
            "fields": [f("date", "date", "Date de l'appel", "Date de l'appel (AAAA-MM-JJ)")]
            + [
                f(c, "string", QUESTIONS[c].libelle, QUESTIONS[c].texte, enum=list(QUESTIONS[c].reponses))
                for c in ("canal", "motif", "reponse_obtenue", "agent_joint", "ia_comprise")
            ]
            + [
                f(
                    "satisfaction",
                    "integer",
                    QUESTIONS["satisfaction"].libelle,
                    QUESTIONS["satisfaction"].texte,
                    minimum=1,
                    maximum=5,
                )
            ]
            + [
                f(c, "string", QUESTIONS[c].libelle, QUESTIONS[c].texte, enum=list(QUESTIONS[c].reponses))
                for c in ("rappellerait", "tranche_age")
            ]
            + [f("commentaire", "string", "Commentaire", "Texte libre : compté, jamais publié")],
        },
        "fictif": True,
        "banniere": "Ce rapport est calculé sur un exemple inventé, pour montrer sa forme avant que le CLN ait "
        "recueilli les retours des habitants. Aucune de ces réponses n'a été donnée par un habitant.",
    },
    {
        "name": "chiffres_publies",
        "path": "chiffres_publies.csv",
        "title": "Registre des chiffres publiés",
        "description": "Chaque chiffre tel que le document source l'imprime. Sert uniquement de point de comparaison "
                       ": aucun calcul ne le lit.",
        "sources": [PRES, CR],
        "schema": {
            "fields": [
                f(
                    "identifiant",
                    "string",
                    "Identifiant",
                    "Identifiant du chiffre (figure_id de figures.csv)",
                    required=True,
                    unique=True,
                ),
                f("texte_publie", "string", "Texte publié", "Le chiffre exactement tel qu'imprimé", required=True),
                f("document", "string", "Document", "Document source", required=True),
                f("emplacement", "string", "Emplacement", "Page ou diapositive", required=True),
            ],
            "primaryKey": ["identifiant"],
        },
    },
]

#: The switchboard's per-call log (issue 25): the invented example, and the column mapping the officer edits.
RESOURCES += [
    {
        "name": "journal_appels_exemple",
        "path": "journal_appels_exemple.csv",
        "title": "Journal des appels du standard, un appel par ligne : exemple FICTIF",
        "description": "DONNÉES INVENTÉES par tools/generer_journal_exemple.py (graine fixe) : environ 25 000 appels "
        "d'avril à juin 2025 (sans callbot) et d'avril à juin 2026 (expérimentation), pour montrer la forme du "
        "journal avant que la Ville transmette son export. Numéros inventés dans la tranche 01 99 00 xx xx, que le "
        "plan national de numérotation de l'ARCEP réserve aux œuvres de fiction. Rien n'y a été mesuré.",
        "sources": [dict(SOURCE_FICTIVE, date="2026-12-01")],
        "schema": {
            "fields": [
                f("debut", "string", "Début", "Date et heure d'arrivée de l'appel, heure de Paris",
                  required=True, pattern=r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"),
                f("appelant", "string", "Appelant", "Numéro de l'appelant (inventé), vide ou « anonyme » s'il est "
                  "masqué ; donnée personnelle dans un vrai journal"),
                f("parcours", "string", "Parcours", "Suite de l'appel", required=True,
                  enum=["agent", "perdu", "callbot_resolu", "callbot_abandon", "callbot_transfert_agent",
                        "callbot_transfert_perdu"]),
                f("attente_s", "number", "Attente (s)", "Secondes d'attente dans la file des agents, décroché ou "
                  "non ; vide pour un appel qui n'y est pas arrivé", minimum=0),
                f("duree_s", "number", "Durée (s)", "Secondes de conversation", minimum=0),
            ],
        },
        "fictif": True,
        "banniere": "Ce rapport est calculé sur un journal d'appels inventé, pour montrer sa forme avant que la Ville "
        "transmette son export. Aucun de ces appels n'a eu lieu.",
    },
    {
        "name": "journal_colonnes",
        "path": "journal_colonnes.csv",
        "title": "Correspondance des colonnes d'un journal d'appels",
        "description": "Pour chaque jeu (projet : les colonnes documentées ; 3cx : les enregistrements détaillés "
        "des appels de 3CX), notre colonne ← leur en-tête, et leurs valeurs → les nôtres. La casse, « - » et "
        "« _ » ne comptent pas dans les en-têtes. Champs 3CX d'après la documentation de 3CX, « CDR - Call Data "
        "Records » (www.3cx.com/blog/docs/cdr-call-data-records/).",
        "sources": [{"title": "3CX, « CDR - Call Data Records », documentation de 3CX Phone System",
                     "document": "www.3cx.com/blog/docs/cdr-call-data-records/", "date": "2026-12-01",
                     "emplacement": "section « Configuring the CDR fields »"}],
        "schema": {
            "fields": [
                f("jeu", "string", "Jeu", "Nom du jeu de correspondances (projet, 3cx…)", required=True),
                f("notre_colonne", "string", "Notre colonne", "Colonne du projet", required=True),
                f("leur_entete", "string", "Leur en-tête", "En-tête de la colonne dans l'export"),
                f("leur_valeur", "string", "Leur valeur", "Une valeur de l'export"),
                f("notre_valeur", "string", "Notre valeur", "Ce qu'elle veut dire pour le projet"),
            ],
        },
    },
]

for r in RESOURCES:
    r.setdefault("profile", "tabular-data-resource")
    r.update({"format": "csv", "mediatype": "text/csv", "encoding": "utf-8"})
    r["dialect"] = {"delimiter": ","}

PACKAGE = {
    "name": "cln-analysis-donnees-brutes",
    "title": "Conseil local du numérique de Roubaix : données brutes des analyses",
    "description": "Chiffres transcrits des documents présentés au Conseil local du numérique (CLN) de Roubaix. "
    "Ces fichiers ne sont jamais modifiés par les analyses.",
    "profile": "tabular-data-package",
    "licenses": [
        {
            "name": "etalab-2.0",
            "title": "Licence Ouverte / Open Licence 2.0",
            "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        }
    ],
    "x-genere-par": "tools/write_datapackage.py (modifiez ce script, pas ce fichier, puis relancez-le)",
    "resources": RESOURCES,
}

#: Inputs accepted but not shipped: their Table Schema lives in data/raw/schemas/.
SCHEMAS = {
    "cvs_projets": {
        "name": "cvs_projets",
        "title": "Contrat de ville et des solidarités : liste des projets numériques (fichier optionnel)",
        "description": "Une ligne par projet. Quand ce fichier est donné, chaque chiffre du rapport CVS en est "
                       "calculé, "
        "et ses totaux doivent égaler ceux de la diapositive.",
        "schema": {
            "fields": [
                f("porteur", "string", "Porteur", "Structure qui porte le projet", required=True),
                f("projet", "string", "Projet", "Intitulé du projet", required=True),
                f(
                    "categorie",
                    "string",
                    "Catégorie",
                    "ecrivains_publics ou autres",
                    required=True,
                    enum=["ecrivains_publics", "autres"],
                ),
                f("statut", "string", "Statut", "nouveau ou reconduit", required=True, enum=["nouveau", "reconduit"]),
                f("montant_sollicite", "integer", "Montant sollicité (€)", "En euros", required=True, minimum=0),
                f("montant_attribue", "integer", "Montant attribué (€)", "En euros", required=True, minimum=0),
            ],
            "primaryKey": ["porteur", "projet"],
        },
    },
}


def _json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def fichiers() -> dict[Path, str]:
    """Every file this script writes, with its exact text."""
    out = {RAW / "schemas" / f"{name}.json": _json(desc) for name, desc in SCHEMAS.items()}
    out[RAW / "datapackage.json"] = _json(PACKAGE)
    return out


if __name__ == "__main__":
    (RAW / "schemas").mkdir(exist_ok=True)
    for path, text in fichiers().items():
        path.write_text(text, encoding="utf-8")
    print("datapackage.json écrit :", len(RESOURCES), "ressources")
