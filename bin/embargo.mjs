#!/usr/bin/env node
// The CLI is TypeScript run in place, as the server is: register tsx's loader before importing it.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
