// Meta Graph API (Facebook page feed, Instagram content publishing),
// LinkedIn REST posts and Google Business Profile local posts, as far as
// publishing needs them: the same paths, auth, headers, bodies and answers
// (including each provider's way of saying "this token is no longer valid").
import { randomBytes } from 'node:crypto';
import { bearer, type HttpFake } from './http-fake.ts';
import type { TokenStore } from './oauth-fake.ts';

export interface StoredPost {
  id: string;
  text: string;
  link: string | null;
  createdAt: Date;
  /** instagram only */
  imageUrl?: string;
}

const id = () => randomBytes(6).readUIntBE(0, 6).toString();

// --- Meta ------------------------------------------------------------------------

export interface MetaFake {
  /** page id → posts */
  feeds: Map<string, StoredPost[]>;
  /** instagram user id → published media */
  media: Map<string, StoredPost[]>;
}

export function registerMeta(fake: HttpFake, tokens: TokenStore, prefix: string, version: string): MetaFake {
  const feeds = new Map<string, StoredPost[]>();
  const media = new Map<string, StoredPost[]>();
  const containers = new Map<string, { igUser: string; caption: string; imageUrl: string; published: boolean }>();
  const invalidToken = { status: 400, body: { error: { message: 'Error validating access token: Session has expired.', type: 'OAuthException', code: 190, error_subcode: 463 } } };
  const param = (r: { form: Record<string, string> | null; query: URLSearchParams }, name: string) => r.form?.[name] ?? r.query.get(name) ?? undefined;
  const base = `${prefix}/${version}`;

  fake.route('meta.feed.post', 'POST', `${base}/:pageId/feed`, (request, { pageId }) => {
    if (!tokens.valid('meta', bearer(request))) return invalidToken;
    const message = param(request, 'message');
    if (!message) return { status: 400, body: { error: { message: '(#100) The parameter message is required', type: 'OAuthException', code: 100 } } };
    const post = { id: `${pageId}_${id()}`, text: message, link: param(request, 'link') ?? null, createdAt: new Date() };
    feeds.set(pageId!, [...(feeds.get(pageId!) ?? []), post]);
    return { status: 200, body: { id: post.id } };
  });
  fake.route('meta.feed.get', 'GET', `${base}/:pageId/feed`, (request, { pageId }) => {
    if (!tokens.valid('meta', bearer(request))) return invalidToken;
    const since = Number(request.query.get('since') ?? 0);
    const data = (feeds.get(pageId!) ?? []).filter((p) => p.createdAt.getTime() / 1000 >= since).reverse()
      .map((p) => ({ id: p.id, message: p.text, created_time: p.createdAt.toISOString().replace(/\.\d+Z$/, '+0000') }));
    return { status: 200, body: { data } };
  });
  fake.route('meta.ig.container', 'POST', `${base}/:igUser/media`, (request, { igUser }) => {
    if (!tokens.valid('meta', bearer(request))) return invalidToken;
    const imageUrl = param(request, 'image_url');
    if (!imageUrl) return { status: 400, body: { error: { message: 'Only photo or video can be accepted as media type.', type: 'OAuthException', code: 9004 } } };
    const container = id();
    containers.set(container, { igUser: igUser!, caption: param(request, 'caption') ?? '', imageUrl, published: false });
    return { status: 200, body: { id: container } };
  });
  fake.route('meta.ig.publish', 'POST', `${base}/:igUser/media_publish`, (request, { igUser }) => {
    if (!tokens.valid('meta', bearer(request))) return invalidToken;
    const container = containers.get(param(request, 'creation_id') ?? '');
    if (!container || container.igUser !== igUser || container.published) return { status: 400, body: { error: { message: 'Media ID is not available', type: 'OAuthException', code: 9007 } } };
    container.published = true;
    const post = { id: id(), text: container.caption, link: null, createdAt: new Date(), imageUrl: container.imageUrl };
    media.set(igUser!, [...(media.get(igUser!) ?? []), post]);
    return { status: 200, body: { id: post.id } };
  });
  fake.route('meta.ig.list', 'GET', `${base}/:igUser/media`, (request, { igUser }) => {
    if (!tokens.valid('meta', bearer(request))) return invalidToken;
    const data = (media.get(igUser!) ?? []).slice().reverse().map((p) => ({ id: p.id, caption: p.text, timestamp: p.createdAt.toISOString(), permalink: `https://www.instagram.com/p/${p.id}/` }));
    return { status: 200, body: { data } };
  });
  return { feeds, media };
}

// --- LinkedIn ------------------------------------------------------------------------

export interface LinkedinFake {
  posts: Array<StoredPost & { author: string; body: Record<string, unknown> }>;
}

export function registerLinkedin(fake: HttpFake, tokens: TokenStore, prefix: string): LinkedinFake {
  const posts: LinkedinFake['posts'] = [];
  const unauthorized = { status: 401, body: { status: 401, serviceErrorCode: 65600, code: 'INVALID_ACCESS_TOKEN', message: 'Invalid access token' } };
  const versionCheck = (headers: Record<string, string>) => {
    if (!/^\d{6}(\.\d{2})?$/.test(headers['linkedin-version'] ?? '')) return { status: 400, body: { status: 400, code: 'VERSION_MISSING', message: 'A version must be present. Please specify a version by adding the LinkedIn-Version header.' } };
    if (headers['x-restli-protocol-version'] !== '2.0.0') return { status: 400, body: { status: 400, message: 'X-Restli-Protocol-Version 2.0.0 is required' } };
    return null;
  };
  fake.route('linkedin.posts.create', 'POST', `${prefix}/rest/posts`, (request) => {
    const bad = versionCheck(request.headers);
    if (bad) return bad;
    if (!tokens.valid('linkedin', bearer(request))) return unauthorized;
    const body = request.json as Record<string, unknown> | null;
    const distribution = body?.['distribution'] as Record<string, unknown> | undefined;
    if (!body || typeof body['author'] !== 'string' || !/^urn:li:(organization|person):/.test(body['author']) || typeof body['commentary'] !== 'string'
      || body['lifecycleState'] !== 'PUBLISHED' || !distribution || distribution['feedDistribution'] !== 'MAIN_FEED' || !['PUBLIC', 'CONNECTIONS', 'LOGGED_IN'].includes(String(body['visibility']))) {
      return { status: 422, body: { status: 422, code: 'UNPROCESSABLE_ENTITY', message: 'invalid post' } };
    }
    const urn = `urn:li:share:${id()}`;
    posts.push({ id: urn, text: body['commentary'], link: null, createdAt: new Date(), author: body['author'], body });
    return { status: 201, headers: { 'x-restli-id': urn, 'x-linkedin-id': urn } };
  });
  fake.route('linkedin.posts.list', 'GET', `${prefix}/rest/posts`, (request) => {
    const bad = versionCheck(request.headers);
    if (bad) return bad;
    if (!tokens.valid('linkedin', bearer(request))) return unauthorized;
    if (request.query.get('q') !== 'author') return { status: 400, body: { status: 400, message: 'q=author required' } };
    const author = request.query.get('author');
    const elements = posts.filter((p) => p.author === author).slice().reverse().map((p) => ({ id: p.id, author: p.author, commentary: p.text, createdAt: p.createdAt.getTime(), lifecycleState: 'PUBLISHED' }));
    return { status: 200, body: { elements, paging: { start: 0, count: elements.length } } };
  });
  return { posts };
}

// --- Google Business Profile ---------------------------------------------------------

export interface GoogleBusinessFake {
  /** location name → local posts */
  posts: Map<string, Array<StoredPost & { body: Record<string, unknown> }>>;
}

export function registerGoogleBusiness(fake: HttpFake, tokens: TokenStore, prefix: string): GoogleBusinessFake {
  const posts: GoogleBusinessFake['posts'] = new Map();
  const unauthenticated = { status: 401, body: { error: { code: 401, message: 'Request had invalid authentication credentials. Expected OAuth 2 access token.', status: 'UNAUTHENTICATED' } } };
  fake.route('gbp.localPosts.create', 'POST', `${prefix}/v4/accounts/:account/locations/:location/localPosts`, (request, { account, location }) => {
    if (!tokens.valid('google', bearer(request))) return unauthenticated;
    const body = request.json as Record<string, unknown> | null;
    if (!body || typeof body['summary'] !== 'string' || !body['summary'] || typeof body['languageCode'] !== 'string' || body['topicType'] !== 'STANDARD') {
      return { status: 400, body: { error: { code: 400, message: 'Request contains an invalid argument.', status: 'INVALID_ARGUMENT' } } };
    }
    const parent = `accounts/${account}/locations/${location}`;
    const name = `${parent}/localPosts/${id()}`;
    const createdAt = new Date();
    posts.set(parent, [...(posts.get(parent) ?? []), { id: name, text: body['summary'], link: null, createdAt, body }]);
    return { status: 200, body: { name, languageCode: body['languageCode'], summary: body['summary'], state: 'LIVE', topicType: 'STANDARD', createTime: createdAt.toISOString(), searchUrl: `https://local.google.com/place?id=${location}&use=posts&lpsid=${name.split('/').pop()}` } };
  });
  fake.route('gbp.localPosts.list', 'GET', `${prefix}/v4/accounts/:account/locations/:location/localPosts`, (request, { account, location }) => {
    if (!tokens.valid('google', bearer(request))) return unauthenticated;
    const list = (posts.get(`accounts/${account}/locations/${location}`) ?? []).slice().reverse()
      .map((p) => ({ name: p.id, summary: p.text, createTime: p.createdAt.toISOString(), state: 'LIVE' }));
    return { status: 200, body: { localPosts: list } };
  });
  return { posts };
}
