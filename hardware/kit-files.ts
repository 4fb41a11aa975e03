import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkKit, Kit } from '../protocol/kit.ts';

/** Where the kits live: one folder per kit, each with its kit.json. */
export const HARDWARE_DIR = dirname(fileURLToPath(import.meta.url));

/** Kit folder names, sorted so every listing (README, diagrams, tests) comes out in the same order. */
export async function listKitIds(): Promise<string[]> {
  const entries = await readdir(HARDWARE_DIR, { withFileTypes: true });
  const ids: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const files = await readdir(join(HARDWARE_DIR, e.name));
    if (files.includes('kit.json')) ids.push(e.name);
  }
  return ids.sort();
}

export function kitPath(id: string, file = 'kit.json'): string {
  return join(HARDWARE_DIR, id, file);
}

/** Reads and checks a kit; a broken kit throws one message listing all its problems. */
export async function readKit(id: string): Promise<Kit> {
  const raw: unknown = JSON.parse(await readFile(kitPath(id), 'utf8'));
  const problems = checkKit(raw);
  if (problems.length > 0) throw new Error(`hardware/${id}/kit.json: ${problems.join('; ')}`);
  return Kit.parse(raw);
}
