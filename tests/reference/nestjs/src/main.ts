// The reference server: `node dist/main.js` with PORT (0 = any free port), HOST (127.0.0.1) and
// REFERENCE_TOKENS (comma-separated bearer tokens, one org each). When it listens it prints one line,
// `contracttest-reference-ready {"url": ..., "versions": {...}}`, which the test fixture waits for.
import 'reflect-metadata';

import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { NestFactory } from '@nestjs/core';

import { AppModule } from './app.module.js';
import { validationPipe } from './validation.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The versions that decide the answers (read from what npm installed, not from package.json). */
function versions(): Record<string, string> {
  const names = ['@nestjs/core', '@nestjs/common', '@nestjs/platform-express', 'express', 'body-parser',
    'class-validator', 'class-transformer', 'validator'];
  const found: Record<string, string> = { node: process.versions.node };
  for (const name of names) {
    const manifest = join(ROOT, 'node_modules', ...name.split('/'), 'package.json');
    found[name] = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  }
  return found;
}

async function main(): Promise<void> {
  const host = process.env.HOST ?? '127.0.0.1';
  const port = Number(process.env.PORT ?? 0);
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();
  await app.listen(port, host);
  const address = app.getHttpServer().address() as AddressInfo;
  const ready = { url: `http://${host}:${address.port}`, versions: versions() };
  process.stdout.write(`contracttest-reference-ready ${JSON.stringify(ready)}\n`);
}

await main();
