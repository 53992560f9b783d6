import { randomUUID } from 'node:crypto';

import { Injectable, NotFoundException } from '@nestjs/common';

import type { Provider } from './dto/phone-number.js';
import type { ListPhoneNumbersQuery, PaginatedPhoneNumbersQuery } from './dto/query.js';

export interface PhoneNumber {
  id: string;
  orgId: string;
  provider: Provider;
  createdAt: string;
  updatedAt: string;
  status: 'active';
  [member: string]: unknown;
}

/**
 * The validated DTO as plain JSON, without the members sent as null. `@IsOptional()` lets null
 * through; the store takes it for "not sent" (a stored null would break the response schema, where
 * no member is nullable, and clearing a member could drop one the response requires).
 */
function plain(dto: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(dto, (_key, value: unknown) => (value === null ? undefined : value)));
}

const FILTERS: [keyof ListPhoneNumbersQuery, 'createdAt' | 'updatedAt', (a: number, b: number) => boolean][] = [
  ['createdAtGt', 'createdAt', (a, b) => a > b],
  ['createdAtLt', 'createdAt', (a, b) => a < b],
  ['createdAtGe', 'createdAt', (a, b) => a >= b],
  ['createdAtLe', 'createdAt', (a, b) => a <= b],
  ['updatedAtGt', 'updatedAt', (a, b) => a > b],
  ['updatedAtLt', 'updatedAt', (a, b) => a < b],
  ['updatedAtGe', 'updatedAt', (a, b) => a >= b],
  ['updatedAtLe', 'updatedAt', (a, b) => a <= b],
];

/** Phone numbers in memory, one namespace per org. Ids are UUID v4. */
@Injectable()
export class PhoneNumberStore {
  private readonly orgs = new Map<string, Map<string, PhoneNumber>>();
  private lastStamp = 0;

  private records(orgId: string): Map<string, PhoneNumber> {
    let records = this.orgs.get(orgId);
    if (!records) {
      records = new Map();
      this.orgs.set(orgId, records);
    }
    return records;
  }

  /** Strictly increasing timestamps, so createdAt filters and sorting are exact. */
  private now(): string {
    this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
    return new Date(this.lastStamp).toISOString();
  }

  create(orgId: string, dto: object): PhoneNumber {
    const stamp = this.now();
    const record = {
      ...plain(dto),
      id: randomUUID(),
      orgId,
      createdAt: stamp,
      updatedAt: stamp,
      status: 'active',
    } as PhoneNumber;
    this.records(orgId).set(record.id, record);
    return record;
  }

  get(orgId: string, id: string): PhoneNumber {
    const record = this.records(orgId).get(id);
    if (!record) {
      throw new NotFoundException('Phone number not found');
    }
    return record;
  }

  update(orgId: string, id: string, dto: object): PhoneNumber {
    const record = this.get(orgId, id);
    // `provider` may be sent, but only as the stored one (the update DTO says so): it never changes.
    Object.assign(record, plain(dto), { provider: record.provider, updatedAt: this.now() });
    return record;
  }

  remove(orgId: string, id: string): PhoneNumber {
    const record = this.get(orgId, id);
    this.records(orgId).delete(id);
    return record;
  }

  list(orgId: string, query: ListPhoneNumbersQuery): PhoneNumber[] {
    let found = [...this.records(orgId).values()];
    for (const [param, field, keep] of FILTERS) {
      const bound = query[param];
      if (typeof bound === 'string') {
        const limit = Date.parse(bound);
        found = found.filter((r) => keep(Date.parse(r[field]), limit));
      }
    }
    return found.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  findAll(orgId: string, query: ListPhoneNumbersQuery): PhoneNumber[] {
    return this.list(orgId, query).slice(0, query.limit ?? 100);
  }

  findAllPaginated(orgId: string, query: PaginatedPhoneNumbersQuery) {
    let found = this.list(orgId, query);
    if (query.search) {
      const needle = query.search.toLowerCase();
      found = found.filter((r) =>
        ['name', 'number', 'sipUri'].some(
          (key) => typeof r[key] === 'string' && (r[key] as string).toLowerCase().includes(needle),
        ),
      );
    }
    const sortOrder = query.sortOrder ?? 'DESC';
    // Phone numbers have no duration or cost: every sortBy orders by createdAt.
    if (sortOrder === 'ASC') found.reverse();
    const limit = query.limit ?? 100;
    const page = query.page ?? 1;
    const start = Math.floor((page - 1) * limit);
    const results = found.slice(start, start + limit);
    const totalPages = limit > 0 ? Math.ceil(found.length / limit) : 0;
    return {
      results,
      metadata: {
        itemsPerPage: limit,
        totalItems: found.length,
        currentPage: page,
        totalPages,
        hasNextPage: start + limit < found.length,
        sortOrder,
      },
    };
  }
}
