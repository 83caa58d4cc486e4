/**
 * Where a V8 CPU profile's time went: `npx tsx bench/profile-summary.ts FILE.cpuprofile [TOP]`.
 * Self time per area of the delivery path (our app, the AWS SDK, the emulator by folder, dynalite, ws, Node's HTTP,
 * GC, idle) and the TOP functions by self time. Used on the profiles `bench/load.ts` writes with LOAD_PROFILE=DIR.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const AREAS: [RegExp, string][] = [
  [/\/(domain|infrastructure)\//, 'our app (domain/, infrastructure/)'],
  [/node_modules\/(@aws-sdk|@smithy|@aws-crypto|fast-xml-parser|tslib|@aws\/)/, 'AWS SDK v3'],
  [/node_modules\/(dynalite|level|memdown|abstract-|memory-level|lazy|big\.js|once|buffer-crc32|deep-equal|async)/, 'dynalite (embedded DynamoDB)'],
  [/node_modules\/ws\//, 'ws'],
  [/\/local\/([a-z-]+)\//, 'emulator: local/$1/'],
  [/\/local\/[a-z-]+\.ts/, 'emulator: local/*.ts'],
  [/node_modules\/(tsx|esbuild|get-tsconfig)/, 'tsx loader'],
  [/node_modules\/(express|router|body-parser|finalhandler|send|serve-static)/, 'express (pages)'],
  [/^node:internal\/(http|_http|net|stream|streams|dns|timers|url|tls)/, 'Node: http/net/streams/timers'],
  [/^node:(_http|http|net|stream|url|timers|events|buffer)/, 'Node: http/net/streams/timers'],
  [/^node:internal\/crypto|^node:crypto/, 'Node: crypto'],
  [/^node:/, 'Node: other'],
];

function areaOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (url === '') {
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(garbage collector)') return '(garbage collector)';
    if (functionName === '(program)') return '(program: V8, native)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  for (const [pattern, area] of AREAS) {
    const match = pattern.exec(url);
    if (match) return area.replace('$1', match[1] ?? '');
  }
  return url.includes('node_modules') ? `other package: ${/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1]}` : 'other';
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: npx tsx bench/profile-summary.ts FILE.cpuprofile [TOP]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfByArea = new Map<string, number>();
const selfByFunction = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const micros = profile.timeDeltas[i] ?? 0;
  const node = byId.get(id)!;
  total += micros;
  const area = areaOf(node);
  selfByArea.set(area, (selfByArea.get(area) ?? 0) + micros);
  const where = node.callFrame.url.replace(/^.*\/(node_modules|local|domain|infrastructure)\//, '$1/');
  const key = `${node.callFrame.functionName || '(anonymous)'} ${where}:${node.callFrame.lineNumber + 1}`;
  selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + micros);
});
const busy = total - (selfByArea.get('(idle)') ?? 0);
const pct = (micros: number, of: number) => `${((100 * micros) / of).toFixed(1)} %`;
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (not idle)\n`);
console.log('| area | self time | of busy |\n|---|---|---|');
for (const [area, micros] of [...selfByArea].sort((a, b) => b[1] - a[1])) {
  if (area !== '(idle)') console.log(`| ${area} | ${(micros / 1e3).toFixed(0)} ms | ${pct(micros, busy)} |`);
}
console.log(`\ntop functions by self time:\n`);
for (const [key, micros] of [...selfByFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 15))) {
  console.log(`  ${pct(micros, busy).padStart(7)}  ${key}`);
}
