// Sample sources for the extraction tests: a French bakery's site and
// brochure, an English gym's site and a voice note (as transcribed).
import type { SourceDocument } from '../extraction.ts';

export const BAKERY_SITE: SourceDocument = {
  sourceId: '0190f5e0-0000-7000-8000-0000000000a1',
  kind: 'url',
  name: 'https://maison-lumiere.example/',
  startUrl: 'https://maison-lumiere.example/',
  sections: [
    {
      url: 'https://maison-lumiere.example/',
      title: 'Accueil | Maison Lumière',
      description: 'Boulangerie artisanale au levain naturel, au cœur de Lyon.',
      siteName: null,
      lang: 'fr',
      headings: ['Le pain de nos nuits', 'Nos valeurs', 'Nos pains'],
      links: ['https://www.instagram.com/maisonlumiere', 'https://www.facebook.com/maisonlumiere', 'https://maison-lumiere.example/a-propos'],
      text: [
        'Le pain de nos nuits',
        'Chaque nuit, nous pétrissons à la main un pain au levain naturel. Venez goûter nos viennoiseries, vous ne serez pas déçus !',
        'Nos valeurs',
        '- Artisanat',
        '- Proximité : nos farines viennent de moins de 80 km',
        '- Saisonnalité',
        'Nos pains',
        '- Pain de campagne au levain — 4,20 €',
        '- Croissant au beurre AOP : 1,40 €',
        '- Baguette tradition 1,20 €',
        'Atelier pain du samedi : 45 € par personne',
        'Élue meilleure baguette de Lyon en 2023 par le jury de la Chambre des métiers.',
        'Plus de 1200 clients fidèles chaque semaine.',
        'Inscrivez-vous à notre newsletter pour recevoir le pain du mois.',
        'Idéal pour les familles du quartier, votre boulangerie ouvre dès 6 h.',
      ].join('\n'),
    },
    {
      url: 'https://maison-lumiere.example/a-propos',
      title: 'Notre histoire | Maison Lumière',
      description: null,
      lang: 'fr',
      headings: ['Notre histoire'],
      links: [],
      text: [
        'Notre histoire',
        '',
        'Maison Lumière est née en 2012 de la rencontre de deux boulangers passionnés par le levain naturel et les farines anciennes de la région lyonnaise.',
        '',
        'Notre mission est de redonner au pain quotidien le goût du temps long, avec un levain naturel nourri chaque jour.',
        'Depuis 2012, le levain naturel de la maison est nourri chaque matin.',
      ].join('\n'),
    },
  ],
};

export const BAKERY_PDF: SourceDocument = {
  sourceId: '0190f5e0-0000-7000-8000-0000000000a2',
  kind: 'pdf',
  name: 'plaquette.pdf',
  title: 'Maison Lumière',
  sections: [
    { page: 1, headings: ['Maison Lumière'], text: 'Maison Lumière\nLe levain, la nuit, la main\nNos engagements pour un pain vivant.' },
    { page: 2, headings: ['Tarifs traiteur'], text: 'Tarifs traiteur\nPlateau de mignardises 32,00 €\nBuffet petit-déjeuner 12,50 € par personne\nNote moyenne de 4,8/5 sur 320 avis Google.' },
  ],
};

export const GYM_SITE: SourceDocument = {
  sourceId: '0190f5e0-0000-7000-8000-0000000000b1',
  kind: 'url',
  name: 'https://forgeandflow.example',
  startUrl: 'https://forgeandflow.example/',
  sections: [
    {
      url: 'https://forgeandflow.example/',
      title: 'Forge & Flow — Strength and mobility studio in Leeds',
      description: 'Small-group strength training and mobility classes in Leeds.',
      siteName: 'Forge & Flow',
      lang: 'en',
      headings: ['Get strong, move well', 'Memberships'],
      links: ['https://instagram.com/forgeandflow', 'https://www.linkedin.com/company/forge-and-flow', 'https://forgeandflow.example/blog/'],
      text: [
        'Get strong, move well',
        'We coach small groups of eight, so your coach knows your name and your goals.',
        'Our mission is to make strength training feel welcoming for people who never liked gyms.',
        'Memberships',
        'Unlimited membership £89 per month',
        'Drop-in class £15',
        'Personal coaching session: £45',
        'Rated 4.9 stars from 210 Google reviews.',
        'Perfect for busy parents who want results in three hours a week.',
        'Strength training builds confidence. Strength training protects your joints. Mobility work keeps you moving.',
      ].join('\n'),
    },
  ],
};

export const GYM_AUDIO: SourceDocument = {
  sourceId: '0190f5e0-0000-7000-8000-0000000000b2',
  kind: 'audio',
  name: 'voice-note.webm',
  sections: [{ headings: [], text: 'so we started the studio because people felt lost in big gyms our members love the kettlebell classes and the kettlebell community we keep every group small' }],
};
