export const VIEWS = ['now', 'history', 'environment', 'nodes', 'register', 'footprint'] as const;
export type ViewName = (typeof VIEWS)[number];

export type Route =
  | { kind: 'view'; view: ViewName }
  | { kind: 'screen' }
  | { kind: 'household'; token: string }
  | { kind: 'not-found'; path: string };

const PATHS: Readonly<Record<string, ViewName>> = {
  '/': 'now',
  '/history': 'history',
  '/environment': 'environment',
  '/nodes': 'nodes',
  '/register': 'register',
  '/footprint': 'footprint',
};

export function pathOf(view: ViewName): string {
  return view === 'now' ? '/' : `/${view}`;
}

/** The route for a location path; the hub's SPA fallback sends every non-API path here. */
export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const view = PATHS[path];
  if (view) return { kind: 'view', view };
  if (path === '/screen') return { kind: 'screen' };
  const household = /^\/h\/([A-Za-z0-9_-]{8,256})$/.exec(path);
  if (household?.[1]) return { kind: 'household', token: household[1] };
  return { kind: 'not-found', path };
}
