import type { NextFunction, Request, Response } from 'express';

/**
 * Refuses every request that could change something (anything but GET/HEAD) when it comes from another origin.
 * A `text/plain` POST needs no CORS preflight, so without this any web page open in the same browser could post to,
 * disconnect or clear local connections. The pages' own fetches carry their origin, which matches the Host they used;
 * a request with no Origin at all (curl, a test) is no browser page acting behind the user's back.
 */
export function originGuard(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  const origin = req.headers.origin;
  const foreign = origin !== undefined && (!URL.canParse(origin) || new URL(origin).host !== req.headers.host);
  if (foreign || req.headers['sec-fetch-site'] === 'cross-site') {
    return void res.status(403).json({ message: `Requests from ${origin ?? 'another site'} may not act on the emulator` });
  }
  next();
}
