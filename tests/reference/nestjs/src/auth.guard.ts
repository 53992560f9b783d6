import { randomUUID } from 'node:crypto';

import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  UnauthorizedException,
  createParamDecorator,
} from '@nestjs/common';

/** The org a request acts for, set by `BearerGuard`. */
export interface OrgRequest {
  headers: Record<string, string | string[] | undefined>;
  orgId?: string;
}

/**
 * `Authorization: Bearer <token>`; each token of REFERENCE_TOKENS (comma separated) is one org.
 * Anything else is the framework's own 401.
 */
@Injectable()
export class BearerGuard implements CanActivate {
  private readonly orgs = new Map<string, string>();

  constructor() {
    const tokens = (process.env.REFERENCE_TOKENS ?? '').split(',').map((t) => t.trim());
    for (const token of tokens.filter(Boolean)) {
      this.orgs.set(token, randomUUID());
    }
    if (this.orgs.size === 0) {
      throw new Error('REFERENCE_TOKENS is empty: set at least one bearer token');
    }
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<OrgRequest>();
    const header = request.headers['authorization'];
    const match = typeof header === 'string' ? /^Bearer (.+)$/i.exec(header) : null;
    const org = match ? this.orgs.get(match[1]) : undefined;
    if (org === undefined) {
      throw new UnauthorizedException();
    }
    request.orgId = org;
    return true;
  }
}

/** The handler parameter holding the caller's org id. */
export const OrgId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<OrgRequest>().orgId!,
);
