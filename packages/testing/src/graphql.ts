// A plain HTTP GraphQL client for tests: what an integrator would send.
export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: { code?: string } & Record<string, unknown> }>;
}

export async function graphql<T = Record<string, unknown>>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLResponse<T>;
}

export async function loginAs(url: string, email: string, password: string): Promise<string> {
  const res = await graphql<{ login: { accessToken: string } }>(url,
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }', { e: email, p: password });
  if (!res.data?.login) throw new Error(`login failed for ${email}: ${JSON.stringify(res.errors)}`);
  return res.data.login.accessToken;
}
