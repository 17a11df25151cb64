// Sample texts for the scorer tests: a good, a bad and a stuffed post, in English and French.
import type { ScoreInput } from '../seo-scorer.ts';

export const NOW = new Date('2025-06-01T00:00:00Z');

export const GOOD_EN_BODY = `A content calendar is a shared schedule that lists what you will publish, where and when. It turns scattered ideas into a plan your whole team can follow.

![Content calendar for March on a whiteboard](/images/content-calendar-march.jpg)

Small teams often post when they find time. The result is long silences followed by bursts of posts. According to the [Content Marketing Institute](https://contentmarketinginstitute.com/research/) 2025 survey, 64 % of the most successful B2B teams document their strategy. A simple plan is the first step.

## What should a content calendar include?

Keep it short. Each row needs a date, a channel, a topic, an owner and a status. Add the goal of the post if you track results. You can start in a spreadsheet and move to a tool later, once the habit is there.

## How do you fill a month of posts?

Start with the questions your customers ask. Sales calls, support tickets and reviews are full of them. Group the questions by theme, then give each week one theme. Mix formats: a blog post, two social posts and one newsletter per week is a good start for a team of two.

"We stopped guessing and started answering real questions," says Marie Tremblay, founder of a bakery in Quebec City. Her team now plans every month in one short meeting.

## How often should you review it?

Review your content calendar once a week. Move posts that lost their timing and add news as it comes. At the end of the month, compare each post with its goal. Keep the topics that worked and drop the rest.

Google asks for helpful content made for people first, as its [guide to helpful content](https://developers.google.com/search/docs/fundamentals/creating-helpful-content) explains. A calendar makes that easier, because you plan around real needs instead of guesses.

## Where can you find a content calendar template?

You can copy our free [content calendar template](/templates/content-calendar) and adapt it in ten minutes. It has one tab per month and a tab for ideas. Share it with everyone who writes, and ask them to add one idea each week.`;

export const GOOD_EN: ScoreInput = {
  channel: 'BLOG',
  title: 'Content calendar: how to plan a month of posts',
  body: GOOD_EN_BODY,
  keyphrase: 'content calendar',
  slug: 'content-calendar',
  metaDescription: 'Learn how a content calendar helps a small team plan a month of posts in one hour, with a free template and the steps we use with our clients.',
  locale: 'en',
  siteHost: 'example.com',
};

export const BAD_EN: ScoreInput = {
  channel: 'BLOG',
  title: 'Welcome',
  body: `# Our services

# Why choose us

Our company has been providing innovative and comprehensive solutions to organizations of all sizes for many years, and we strongly believe that the exceptional quality of the work that is delivered by our experienced team is what makes the difference for every client.

Mistakes were made by previous vendors. Reports are prepared by qualified analysts. Results are measured by the team every quarter, and detailed recommendations are presented to management in a comprehensive document that is reviewed by several departments before any decision is finally taken.`,
  keyphrase: 'accounting software',
  slug: null,
  metaDescription: null,
  locale: 'en',
};

/** Same structure as GOOD_EN with one extra paragraph; `stuffed` repeats the keyphrase in it. */
export function withExtraParagraph(stuffed: boolean): ScoreInput {
  const k = stuffed ? 'content calendar' : 'plan';
  const para = `A ${k} saves time, and a shared ${k} saves more. Your ${k} keeps everyone aligned because the ${k} is visible. The best ${k} is a simple ${k}. Update the ${k} every Monday and print the ${k} for the office. Share the ${k} with new staff, then review the ${k} with your manager. A good ${k} lasts all year, so test your ${k} for a month.`;
  return { ...GOOD_EN, body: `${GOOD_EN_BODY}\n\n${para}` };
}

export const GOOD_FR_BODY = `Un calendrier éditorial est un planning partagé qui indique quoi publier, où et quand. Il transforme des idées éparses en un plan que toute l'équipe peut suivre.

![Calendrier éditorial du mois de mars sur un tableau blanc](/images/calendrier-editorial-mars.jpg)

Les petites équipes publient souvent quand elles ont le temps. Le résultat : de longs silences, puis des rafales de messages. Selon le [baromètre 2025 du Content Marketing Institute](https://contentmarketinginstitute.com/research/), 64 % des équipes B2B les plus performantes documentent leur stratégie. Un plan simple est la première étape.

## Que doit contenir un calendrier éditorial ?

Restez simple. Chaque ligne indique une date, un canal, un sujet, un responsable et un statut. Ajoutez l'objectif de la publication si vous suivez les résultats. Un tableur suffit pour commencer.

## Comment remplir un mois de publications ?

Partez des questions de vos clients. Les appels de vente, les demandes de soutien et les avis en sont pleins. Regroupez les questions par thème, puis donnez un thème à chaque semaine. Variez les formats : un article, deux publications sociales et une infolettre par semaine, voilà un bon départ pour une équipe de deux personnes.

« Nous avons arrêté de deviner et nous répondons enfin aux vraies questions », explique Marie Tremblay, fondatrice d'une boulangerie à Québec. Son équipe planifie désormais chaque mois en une seule réunion.

## À quelle fréquence faut-il le revoir ?

Relisez votre calendrier éditorial une fois par semaine. Déplacez les publications qui ont perdu leur actualité et ajoutez les nouvelles au fil de l'eau. À la fin du mois, comparez chaque publication avec son objectif. Gardez les sujets qui ont marché et laissez tomber les autres.

Google recommande un contenu utile, pensé d'abord pour les personnes, comme l'expliquent ses [conseils sur le contenu utile](https://developers.google.com/search/docs/fundamentals/creating-helpful-content?hl=fr). Un calendrier aide, car vous planifiez à partir de besoins réels.

## Où trouver un modèle de calendrier éditorial ?

Copiez notre [modèle de calendrier éditorial gratuit](/modeles/calendrier-editorial) et adaptez-le en dix minutes. Il comporte un onglet par mois et un onglet pour les idées. Partagez-le avec toutes les personnes qui écrivent et demandez-leur une idée par semaine.`;

export const GOOD_FR: ScoreInput = {
  channel: 'BLOG',
  title: 'Calendrier éditorial : planifier un mois de publications',
  body: GOOD_FR_BODY,
  keyphrase: 'calendrier éditorial',
  slug: 'calendrier-editorial',
  metaDescription: 'Découvrez comment un calendrier éditorial aide une petite équipe à planifier un mois de publications en une heure, avec un modèle gratuit à copier.',
  locale: 'fr-CA',
  siteHost: 'exemple.ca',
};
