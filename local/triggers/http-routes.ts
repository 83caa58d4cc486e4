import type { HttpRouteConfig } from '../model/app-model.ts';

export interface RouteMatch {
  route: HttpRouteConfig;
  /** The path inside the API: without `/{stage}` for a REST API. */
  path: string;
  pathParameters: Record<string, string>;
}

/** The path's segments that a request must equal, and how specific the path is. */
interface CompiledRoute {
  route: HttpRouteConfig;
  pattern: RegExp;
  names: string[];
  /** Literal segments first, then single-segment variables; a greedy `{proxy+}` ranks last, `$default` after all. */
  rank: [number, number, number];
}

function compile(route: HttpRouteConfig): CompiledRoute {
  if (route.path === '$default') return { route, pattern: /^\/.*$/, names: [], rank: [2, 0, 0] };
  const names: string[] = [];
  let literal = 0;
  let greedy = 0;
  const segments = route.path.replace(/\/+$/, '').split('/').slice(1).map((segment) => {
    const variable = /^\{([^}+]+)(\+)?\}$/.exec(segment);
    if (!variable) {
      literal += 1;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    names.push(variable[1]!);
    if (variable[2]) {
      greedy = 1;
      return '(.+)';
    }
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^/${segments.join('/')}/?$`), names, rank: [greedy, -literal, -names.length] };
}

const byRank = (a: CompiledRoute, b: CompiledRoute) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.rank[2] - b.rank[2];

/**
 * Matches requests to the app's HTTP routes as API Gateway does: REST API routes live under `/{stage}`, HTTP API
 * routes (their `$default` stage) at the root; the most specific path wins (literal segments over `{param}` over
 * `{proxy+}`, an HTTP API's `$default` route last); `ANY` takes every method.
 */
export class HttpRouteTable {
  private readonly rest: CompiledRoute[];
  private readonly http: CompiledRoute[];

  constructor(routes: HttpRouteConfig[], private readonly stage: string) {
    this.rest = routes.filter((r) => r.api === 'REST').map(compile).sort(byRank);
    this.http = routes.filter((r) => r.api === 'HTTP').map(compile).sort(byRank);
  }

  get empty(): boolean {
    return this.rest.length + this.http.length === 0;
  }

  /** The path is under the REST API's stage: API Gateway answers there even when no route matches (403). */
  underRestStage(pathname: string): boolean {
    return this.rest.length > 0 && (pathname === `/${this.stage}` || pathname.startsWith(`/${this.stage}/`));
  }

  /** Every route whose path matches, most specific first, whatever its method (for CORS preflights and 403/404s). */
  candidates(pathname: string): RouteMatch[] {
    const matches: RouteMatch[] = [];
    const prefix = `/${this.stage}`;
    if (pathname === prefix || pathname.startsWith(`${prefix}/`)) {
      const inner = pathname.slice(prefix.length) || '/';
      for (const compiled of this.rest) matches.push(...matchOne(compiled, inner));
    }
    for (const compiled of this.http) matches.push(...matchOne(compiled, pathname));
    return matches;
  }

  /** The route that takes `method` on `pathname`, if any. */
  match(method: string, pathname: string): RouteMatch | undefined {
    return this.candidates(pathname).find((m) => m.route.method === method || m.route.method === 'ANY');
  }
}

function matchOne(compiled: CompiledRoute, path: string): RouteMatch[] {
  const found = compiled.pattern.exec(path);
  if (!found) return [];
  const pathParameters: Record<string, string> = {};
  compiled.names.forEach((name, i) => {
    const raw = found[i + 1]!;
    try {
      pathParameters[name] = decodeURIComponent(raw);
    } catch {
      pathParameters[name] = raw;
    }
  });
  return [{ route: compiled.route, path, pathParameters }];
}
