/** The monthly report's words, in French and English (the report is read on a notice board). */
export type ReportLang = 'en' | 'fr';

export const REPORT_WORDS = {
  en: {
    colon: ': ',
    title: 'Monthly report',
    subtitle: 'Our neighbourhood’s electricity, measured together, for the notice board.',
    month: 'The month',
    energy: 'Electricity used',
    cost: 'Cost, about',
    co2: 'CO₂, about',
    thisMonth: 'This month',
    previous: 'Month before',
    lastYear: 'A year before',
    withheld: 'withheld',
    none: 'no data',
    withheldNote: 'Withheld: fewer than {k} households make it up, so the figure could reveal one of them.',
    partNote: '{n} hours withheld by the privacy rule are not counted (they are not zeros).',
    daysChart: 'Electricity used each day (kWh)',
    peak: 'The evening peak',
    peakLine: 'On average the neighbourhood used the most from {from} to {to}: {energy} in that hour.',
    peakNone: 'Not enough published hours to tell.',
    hoursChart: 'An average day of the month, hour by hour (kWh)',
    challenges: 'Challenges',
    challengesNone: 'No challenge this month.',
    met: 'target reached',
    missed: 'target not reached',
    challengeResult:
      '{change} against a usual day, {energy} saved, about {cost} and {co2} of CO₂: {verdict}.',
    challengeWithheld: 'no figures (an hour was withheld, or fewer than two earlier weeks to compare with).',
    challengeOpen: 'not over yet.',
    weather: 'Heat and cold',
    weatherNone: 'No shared outdoor sensor: the hub does not know the weather.',
    hotDays: 'Hot days (at or above {c}): {days}.',
    frostDays: 'Frosty days (at or below {c}): {days}.',
    noHot: 'No hot day.',
    noFrost: 'No frosty day.',
    air: 'Days the air was poor',
    airNone: 'No shared air sensor: the hub does not know the air of the shared places.',
    airRule:
      'A day counts when a shared place’s PM2.5 averaged more than {pm} over the day (WHO guideline, 2021) or its CO₂ stayed above {co2} for an hour (ventilate).',
    airPm25: '{day}, {place}: PM2.5 {value} over the day.',
    airCo2: '{day}, {place}: CO₂ {value} over an hour.',
    airNoDay: 'No day the air was poor.',
    production: 'Local production',
    productionNone: 'Nothing is produced here (yet).',
    produced: 'Produced: {produced}. Used: {consumed}.',
    sufficiency: 'Share of the consumption covered locally: {share}.',
    consumption: 'Share of the production used in the neighbourhood: {share}.',
    shareWithheld: 'withheld',
    who: 'Who takes part, and how the figures are protected',
    households: 'Up to {n} households counted in a published hour.',
    householdsNone: 'No published hour this month.',
    rule: 'A figure is shown only when at least {k} households make it up and none of them dominates it; otherwise it is withheld, never replaced by zero. Nothing leaves the hub: no cloud, no account.',
    footprint: 'This system’s own footprint',
    footprintLine: 'The hub draws about {w}: {energy} this month.',
    join: 'Join or leave',
    joinLine:
      'To join, ask the person who runs the hub: they register your meter and give you a private link to your own figures.',
    leaveLine:
      'To leave, ask them too: your meter is removed and your data erased from the hub. The register (on the dashboard) lists everything measured, by whom, and for how long it is kept.',
    generated: 'Made by the hub on {date}. Nothing on this page comes from the internet.',
  },
  fr: {
    colon: '\u00a0: ',
    title: 'Bilan du mois',
    subtitle: 'L’électricité de notre quartier, mesurée ensemble, pour le panneau d’affichage.',
    month: 'Le mois',
    energy: 'Électricité consommée',
    cost: 'Coût, environ',
    co2: 'CO₂, environ',
    thisMonth: 'Ce mois-ci',
    previous: 'Mois d’avant',
    lastYear: 'Un an avant',
    withheld: 'retenu',
    none: 'pas de données',
    withheldNote: 'Retenu : moins de {k} foyers le composent, le chiffre pourrait révéler l’un d’eux.',
    partNote:
      '{n} heures retenues par la règle de confidentialité ne sont pas comptées (ce ne sont pas des zéros).',
    daysChart: 'Électricité consommée chaque jour (kWh)',
    peak: 'La pointe du soir',
    peakLine: 'En moyenne, le quartier a le plus consommé de {from} à {to} : {energy} sur cette heure.',
    peakNone: 'Pas assez d’heures publiées pour le dire.',
    hoursChart: 'Une journée moyenne du mois, heure par heure (kWh)',
    challenges: 'Défis',
    challengesNone: 'Pas de défi ce mois-ci.',
    met: 'objectif atteint',
    missed: 'objectif manqué',
    challengeResult:
      '{change} par rapport à un jour habituel, {energy} économisés, environ {cost} et {co2} de CO₂ : {verdict}.',
    challengeWithheld:
      'pas de chiffres (une heure retenue, ou moins de deux semaines précédentes pour comparer).',
    challengeOpen: 'pas encore terminé.',
    weather: 'Chaleur et froid',
    weatherNone: 'Pas de capteur extérieur partagé : le hub ne connaît pas la météo.',
    hotDays: 'Jours chauds ({c} ou plus) : {days}.',
    frostDays: 'Jours de gel ({c} ou moins) : {days}.',
    noHot: 'Aucun jour chaud.',
    noFrost: 'Aucun jour de gel.',
    air: 'Jours où l’air était mauvais',
    airNone: 'Pas de capteur d’air partagé : le hub ne connaît pas l’air des lieux partagés.',
    airRule:
      'Un jour compte quand les PM2,5 d’un lieu partagé ont dépassé {pm} en moyenne sur la journée (valeur guide de l’OMS, 2021) ou que son CO₂ est resté au-dessus de {co2} pendant une heure (aérer).',
    airPm25: '{day}, {place} : PM2,5 à {value} sur la journée.',
    airCo2: '{day}, {place} : CO₂ à {value} sur une heure.',
    airNoDay: 'Aucun jour où l’air était mauvais.',
    production: 'Production locale',
    productionNone: 'Rien n’est produit ici (pour l’instant).',
    produced: 'Produit : {produced}. Consommé : {consumed}.',
    sufficiency: 'Part de la consommation couverte sur place : {share}.',
    consumption: 'Part de la production consommée dans le quartier : {share}.',
    shareWithheld: 'retenue',
    who: 'Qui participe, et comment les chiffres sont protégés',
    households: 'Jusqu’à {n} foyers comptés dans une heure publiée.',
    householdsNone: 'Aucune heure publiée ce mois-ci.',
    rule: 'Un chiffre n’est montré que si au moins {k} foyers le composent et qu’aucun ne l’écrase ; sinon il est retenu, jamais remplacé par zéro. Rien ne quitte le hub : ni nuage, ni compte.',
    footprint: 'L’empreinte du système lui-même',
    footprintLine: 'Le hub consomme environ {w} : {energy} ce mois-ci.',
    join: 'Rejoindre ou quitter',
    joinLine:
      'Pour rejoindre, demandez à la personne qui gère le hub : elle enregistre votre compteur et vous donne un lien privé vers vos propres chiffres.',
    leaveLine:
      'Pour quitter, demandez-lui aussi : votre compteur est retiré et vos données effacées du hub. Le registre (sur le tableau de bord) liste tout ce qui est mesuré, par qui, et combien de temps c’est gardé.',
    generated: 'Fait par le hub le {date}. Rien sur cette page ne vient d’internet.',
  },
} as const satisfies Record<ReportLang, Record<string, string>>;

export type ReportKey = keyof (typeof REPORT_WORDS)['en'];

/** A report sentence with its `{name}` placeholders filled. */
export function word(lang: ReportLang, key: ReportKey, params: Record<string, string | number> = {}): string {
  return (REPORT_WORDS[lang][key] as string).replace(/\{(\w+)\}/g, (w, n: string) =>
    params[n] === undefined ? w : String(params[n]),
  );
}

/** `?lang=` first, then the browser's Accept-Language, then English. */
export function reportLang(query: string | null, acceptLanguage: string | undefined): ReportLang {
  if (query === 'fr' || query === 'en') return query;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
    if (tag.startsWith('fr')) return 'fr';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}
