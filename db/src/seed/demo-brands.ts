// T6: the demo clients' brand DNA (snapshot version 1 of each), as a client
// would have accepted it at the end of onboarding (T8). Prices are minor units.

export interface BrandDnaDocument {
  identity: { name: string; tagline: string; founded: number; location: string; story: string; website: string };
  mission: string;
  values: string[];
  offer: {
    products: Array<{ name: string; description: string; price_minor: number; currency: string; unit?: string }>;
    services: Array<{ name: string; description: string; price_minor: number; currency: string; unit?: string }>;
  };
  audiences: Array<{ persona: string; description: string; needs: string[]; objections: string[] }>;
  tone: { voice: string[]; address: 'tu' | 'vous' | 'you'; do: string[]; dont: string[] };
  vocabulary: { use: string[]; avoid: string[] };
  proof_points: string[];
  competitors: Array<{ name: string; website: string; notes: string }>;
  keywords: string[];
  channels: string[];
  locale: string;
}

export const BAKERY_DNA: BrandDnaDocument = {
  identity: {
    website: 'https://maison-lumiere.example',
    name: 'Maison Lumière',
    tagline: 'Boulangerie au levain & café de quartier',
    founded: 2012,
    location: '48 rue Oberkampf, 75011 Paris',
    story:
      "Claire et Julien Moreau ont repris en 2012 un fournil de 1920 au cœur du 11e. Ils y pétrissent chaque nuit des pains au levain naturel, " +
      'à partir de farines biologiques moulues sur meule, et ont ouvert en 2018 un petit café où l’on prend le temps du petit-déjeuner.',
  },
  mission: 'Remettre le bon pain au centre de la journée du quartier : fait ici, chaque nuit, avec des farines que nous connaissons.',
  values: ['Fait maison, chaque nuit', 'Farines biologiques et meuniers identifiés', 'Saisonnalité', 'Accueil de quartier', 'Zéro gaspillage'],
  offer: {
    products: [
      { name: 'Baguette de tradition', description: 'Levain et levure, 24 h de fermentation, croûte caramélisée', price_minor: 130, currency: 'EUR' },
      { name: 'Pain de campagne au levain', description: 'Farine T80 bio, 1 kg, se garde cinq jours', price_minor: 780, currency: 'EUR', unit: 'kg' },
      { name: 'Croissant au beurre AOP', description: 'Beurre Charentes-Poitou, feuilletage en trois jours', price_minor: 160, currency: 'EUR' },
      { name: 'Pain au chocolat', description: 'Deux barres de chocolat noir 64 %', price_minor: 170, currency: 'EUR' },
      { name: 'Tarte au citron meringuée', description: 'Citrons de Menton en saison', price_minor: 550, currency: 'EUR' },
      { name: 'Café filtre', description: 'Torréfié à Montreuil par un artisan torréfacteur', price_minor: 300, currency: 'EUR' },
    ],
    services: [
      { name: 'Brunch du week-end', description: 'Samedi et dimanche, 9 h – 14 h, sur réservation', price_minor: 2400, currency: 'EUR', unit: 'personne' },
      { name: 'Atelier pain au levain', description: 'Le samedi matin, 6 personnes maximum, 3 h au fournil', price_minor: 6500, currency: 'EUR', unit: 'personne' },
      { name: 'Petits-déjeuners d’entreprise', description: 'Livrés dans le 11e, à partir de 10 personnes', price_minor: 8000, currency: 'EUR', unit: 'commande minimum' },
    ],
  },
  audiences: [
    {
      persona: 'Les voisins pressés du matin',
      description: 'Actifs du quartier, 25-45 ans, passent entre 7 h 30 et 9 h',
      needs: ['Rapidité au comptoir', 'Un pain qui tient la semaine', 'Un bon café à emporter'],
      objections: ['File d’attente le samedi', 'Prix supérieur à la boulangerie de chaîne'],
    },
    {
      persona: 'Les familles du brunch',
      description: 'Parents du 11e et du 20e qui cherchent une sortie du week-end',
      needs: ['Réserver facilement', 'Des options pour les enfants', 'Des produits de saison'],
      objections: ['Places limitées', 'Bruit en salle'],
    },
    {
      persona: 'Les entreprises du quartier',
      description: 'Agences et start-up qui commandent pour leurs réunions',
      needs: ['Facture', 'Livraison à l’heure', 'Quantités adaptées'],
      objections: ['Commande à passer 48 h à l’avance'],
    },
  ],
  tone: {
    voice: ['chaleureux', 'artisanal', 'précis', 'sans prétention'],
    address: 'vous',
    do: ['Parler du geste et du temps de fermentation', 'Donner l’heure de sortie du four', 'Citer les producteurs par leur nom'],
    dont: ['Superlatifs vides (« le meilleur de Paris »)', 'Plus d’un emoji par publication', 'Promettre une livraison hors du 11e'],
  },
  vocabulary: {
    use: ['levain', 'fournil', 'fait maison', 'de saison', 'sortie du four', 'farines bio sur meule'],
    avoid: ['industriel', 'low-cost', 'meilleur de Paris', 'gourmandise coupable'],
  },
  proof_points: [
    '4,8/5 sur 620 avis Google',
    'Farines bio du Moulin de Brasseuil (Loiret), meule de pierre',
    'Finaliste du concours de la meilleure baguette de tradition du 11e (2023)',
    'Invendus donnés chaque soir à l’association Le Chaînon Manquant',
  ],
  competitors: [
    { name: 'Le Fournil d’Oberkampf', website: 'https://fournil-oberkampf.example', notes: 'Même rue, prix plus bas, pas de levain naturel' },
    { name: 'Café Graine', website: 'https://cafe-graine.example', notes: 'Brunch très instagrammé, pas de boulangerie' },
  ],
  keywords: ['boulangerie levain Paris 11', 'brunch Oberkampf', 'croissant pur beurre Paris', 'atelier pain au levain Paris', 'petit-déjeuner entreprise Paris 11'],
  channels: ['instagram', 'google_business', 'newsletter', 'facebook', 'blog'],
  locale: 'fr',
};

export const FITNESS_DNA: BrandDnaDocument = {
  identity: {
    website: 'https://forgeandflow.example',
    name: 'Forge & Flow Studio',
    tagline: 'Coached strength and mobility, eight people at a time',
    founded: 2019,
    location: '12 Lower Clanbrassil Street, Dublin 8',
    story:
      'Aoife Byrne spent ten years coaching rugby players before opening a studio for people who had never felt at home in a gym. ' +
      'Every class is coached, capped at eight, and built around getting stronger and moving better, not punishing anyone.',
  },
  mission: 'Help busy adults get strong, pain-free and confident, with coaching that meets them where they are.',
  values: ['Coaching over crowds', 'Progress you can measure', 'No shame, no gimmicks', 'Evidence before trends', 'Community'],
  offer: {
    products: [
      { name: 'Drop-in class', description: 'Any small-group class, 55 minutes', price_minor: 1800, currency: 'EUR' },
      { name: '10-class pack', description: 'Valid for three months', price_minor: 15000, currency: 'EUR' },
      { name: 'Unlimited membership', description: 'All classes, open-gym hours, monthly progress check', price_minor: 12900, currency: 'EUR', unit: 'month' },
      { name: 'Intro week', description: 'Five classes in seven days for new members', price_minor: 2900, currency: 'EUR' },
    ],
    services: [
      { name: 'Personal training', description: 'One-to-one session with a coach', price_minor: 6500, currency: 'EUR', unit: 'session' },
      { name: 'Movement screen', description: '45-minute assessment with a written plan', price_minor: 4000, currency: 'EUR' },
      { name: 'Corporate strength sessions', description: 'On-site or in the studio, up to 16 people', price_minor: 25000, currency: 'EUR', unit: 'session' },
    ],
  },
  audiences: [
    {
      persona: 'Desk-bound professionals',
      description: '28-45, office or remote workers with stiff backs and little time',
      needs: ['Early and lunchtime classes', 'Relief from back and neck pain', 'A plan they do not have to design'],
      objections: ['“I am not fit enough to start”', 'Price compared with a budget gym'],
    },
    {
      persona: 'Parents returning to exercise',
      description: 'Parents of young children, often post-natal, rebuilding strength',
      needs: ['Safe progressions', 'Flexible booking', 'A friendly atmosphere'],
      objections: ['Childcare', 'Fear of being judged'],
    },
    {
      persona: 'Runners who want to get stronger',
      description: 'Club and park-run runners looking to avoid injury',
      needs: ['Strength for running economy', 'Injury prevention', 'Mobility'],
      objections: ['Worry about bulking up', 'Training clashes with long runs'],
    },
  ],
  tone: {
    voice: ['encouraging', 'direct', 'evidence-based', 'warm humour'],
    address: 'you',
    do: ['Talk about progress and how it feels', 'Explain the why behind an exercise', 'Show real members (with consent)'],
    dont: ['Body shaming or before/after photos', 'Promises of rapid weight loss', 'Jargon without explanation'],
  },
  vocabulary: {
    use: ['strength', 'mobility', 'coached', 'progress', 'small group', 'move well'],
    avoid: ['beach body', 'no pain no gain', 'shred', 'detox', 'burn off'],
  },
  proof_points: [
    'Classes capped at eight people',
    'All coaches hold SCCE or NSCA certifications',
    '4.9★ from 310 Google reviews',
    '82 % of intro-week members still train with us three months later',
  ],
  competitors: [
    { name: 'IronWorks Gym Dublin', website: 'https://ironworks-dublin.example', notes: 'Big-box gym, cheaper, no coaching included' },
    { name: 'Flow Yoga Rathmines', website: 'https://flowyoga-rathmines.example', notes: 'Mobility and yoga, no strength training' },
  ],
  keywords: ['small group strength training Dublin', 'mobility classes Dublin 8', 'personal trainer Portobello', 'strength training for runners Dublin', 'beginner gym Dublin'],
  channels: ['instagram', 'facebook', 'google_business', 'email', 'sms', 'blog'],
  locale: 'en',
};

export const RIAD_DNA: BrandDnaDocument = {
  identity: {
    website: 'https://dar-yasmine.example',
    name: 'Riad Dar Yasmine',
    tagline: 'Maison d’hôtes de charme au cœur de la médina de Marrakech',
    founded: 2015,
    location: 'Derb Sidi Ahmed Ben Nacer, quartier Mouassine, Marrakech',
    story:
      'Nadia et Karim El Amrani ont restauré pendant trois ans une maison familiale du XIXe siècle avec des artisans de la médina. ' +
      'Sept chambres autour d’un patio planté d’orangers, une terrasse face à l’Atlas et une cuisine de famille.',
  },
  mission: 'Faire vivre Marrakech de l’intérieur : une hospitalité de maison, loin du tourisme pressé.',
  values: ['Hospitalité marocaine', 'Artisanat local', 'Calme et intimité', 'Cuisine de famille', 'Respect du quartier'],
  offer: {
    products: [
      { name: 'Chambre Patio', description: 'Chambre double donnant sur le patio, petit-déjeuner inclus', price_minor: 120000, currency: 'MAD', unit: 'nuit' },
      { name: 'Suite Atlas', description: 'Suite avec terrasse privée et vue sur l’Atlas', price_minor: 220000, currency: 'MAD', unit: 'nuit' },
      { name: 'Privatisation du riad', description: 'Les sept chambres, jusqu’à 16 personnes', price_minor: 1400000, currency: 'MAD', unit: 'nuit' },
    ],
    services: [
      { name: 'Dîner sur la terrasse', description: 'Menu de saison préparé par Fatima, notre cuisinière', price_minor: 35000, currency: 'MAD', unit: 'personne' },
      { name: 'Cours de cuisine marocaine', description: 'Marché du matin puis tajine et pastilla', price_minor: 45000, currency: 'MAD', unit: 'personne' },
      { name: 'Hammam et gommage', description: 'Hammam traditionnel du riad, savon noir et rhassoul', price_minor: 30000, currency: 'MAD', unit: 'personne' },
      { name: 'Transfert aéroport', description: 'Accueil à Marrakech-Ménara et porteur jusqu’au riad', price_minor: 20000, currency: 'MAD', unit: 'trajet' },
    ],
  },
  audiences: [
    {
      persona: 'Couples européens en escapade',
      description: 'Couples de 30 à 60 ans, trois à cinq nuits, France, Belgique, Suisse',
      needs: ['Calme après la médina', 'Une bonne table', 'Conseils de visite fiables'],
      objections: ['Peur de se perdre dans la médina', 'Chambres parfois petites dans les riads'],
    },
    {
      persona: 'Voyageuses solo francophones',
      description: 'Femmes voyageant seules, soucieuses de sécurité et d’authenticité',
      needs: ['Sentiment de sécurité', 'Accueil personnalisé', 'Activités en petit groupe'],
      objections: ['Sécurité le soir', 'Isolement'],
    },
    {
      persona: 'Groupes et célébrations',
      description: 'Anniversaires, retrouvailles, petits séminaires qui privatisent le riad',
      needs: ['Privatisation', 'Dîner de fête', 'Organisation des transferts'],
      objections: ['Budget', 'Accessibilité pour personnes âgées'],
    },
  ],
  tone: {
    voice: ['hospitalier', 'sensoriel', 'raffiné sans être guindé', 'attentionné'],
    address: 'vous',
    do: ['Décrire les lumières, les parfums et les matières', 'Donner des conseils pratiques (accès, saison, tenue)', 'Nommer les artisans et l’équipe'],
    dont: ['Clichés orientalistes', 'Promesses de prix « imbattables »', 'Tutoiement'],
  },
  vocabulary: {
    use: ['médina', 'patio', 'hospitalité', 'thé à la menthe', 'zellige', 'tadelakt', 'artisans de Marrakech'],
    avoid: ['exotique', 'oriental', 'pas cher', 'all inclusive', 'dépaysement garanti'],
  },
  proof_points: [
    '9,4/10 sur Booking.com (480 avis)',
    'Travellers’ Choice Tripadvisor 2024',
    'Rénové avec des artisans de la médina (zellige, tadelakt, bois de cèdre)',
    'Équipe de huit personnes du quartier, dont Fatima en cuisine depuis 2015',
  ],
  competitors: [
    { name: 'Riad Les Orangers de la Médina', website: 'https://riad-orangers.example', notes: 'Plus grand (12 chambres), piscine chauffée, prix comparables' },
    { name: 'Dar Zellige Boutique Hotel', website: 'https://dar-zellige.example', notes: 'Positionnement luxe, spa complet, peu de cuisine maison' },
  ],
  keywords: ['riad Marrakech médina piscine', 'riad de charme Marrakech', 'cours de cuisine marocaine Marrakech', 'hammam riad Marrakech', 'privatiser un riad Marrakech'],
  channels: ['instagram', 'facebook', 'google_business', 'newsletter', 'email', 'landing_page'],
  locale: 'fr',
};

/** Where each key came from (T6 provenance): the onboarding sources of T8. */
export function onboardingProvenance(document: BrandDnaDocument, sources: { website: string; pdf?: string }): Record<string, unknown> {
  const from = (source: string, detail: string) => ({ source, detail, snapshot: 1 });
  const provenance: Record<string, unknown> = {};
  for (const key of Object.keys(document)) provenance[key] = from('answers', 'onboarding questionnaire');
  provenance.offer = from('url', sources.website);
  provenance.proof_points = from('url', sources.website);
  provenance.tone = from('audio', 'onboarding interview (transcribed)');
  provenance.vocabulary = from('audio', 'onboarding interview (transcribed)');
  if (sources.pdf) provenance.identity = from('pdf', sources.pdf);
  return provenance;
}
