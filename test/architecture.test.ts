import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const domainDir = join(import.meta.dirname, '..', 'domain');
const domainFiles = readdirSync(domainDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));

/** Finds the ways a domain file could reach the outside world. Exported so the rule itself is tested below. */
export function outsideReaches(source: string): string[] {
  const found: string[] = [];
  for (const [, specifier] of source.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
    // Only sibling domain modules may be imported: no packages, no node: built-ins, no climbing out.
    if (!specifier!.startsWith('./') || specifier!.includes('..')) found.push(`imports ${specifier}`);
  }
  if (/\bprocess\s*\.\s*env\b|\bprocess\s*\[/.test(source)) found.push('reads process.env');
  if (/\brequire\s*\(/.test(source)) found.push('calls require()');
  if (/\bglobalThis\b/.test(source)) found.push('reaches globalThis');
  return found;
}

describe('domain/', () => {
  it('has source files to check', () => {
    expect(domainFiles.length).toBeGreaterThan(5);
  });

  it.each(domainFiles)('%s imports nothing from outside the domain and reads no environment', (file) => {
    expect(outsideReaches(readFileSync(join(domainDir, file), 'utf8'))).toEqual([]);
  });

  it.each([
    ["import { DynamoDBClient } from '@aws-sdk/client-dynamodb';", 'imports @aws-sdk/client-dynamodb'],
    ["import WebSocket from 'ws';", 'imports ws'],
    ["import type { Handler } from 'aws-lambda';", 'imports aws-lambda'],
    ["import { readFile } from 'node:fs/promises';", 'imports node:fs/promises'],
    ["import express from \"express\";", 'imports express'],
    ["const fs = await import('fs');", 'imports fs'],
    ["import { x } from '../infrastructure/x.ts';", 'imports ../infrastructure/x.ts'],
    ['const table = process.env.TABLE;', 'reads process.env'],
    ["const table = process['env'];", 'reads process.env'],
    ["const http = require('http');", 'calls require()'],
  ])('the rule catches %s', (source, reach) => {
    expect(outsideReaches(source)).toContain(reach);
  });
});
