#!/usr/bin/env node
// The `communs` command. TypeScript runs through tsx (no build step to forget on a Raspberry Pi).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
