/** The bundle's entry: runs the tool (src/cli/main.ts runs itself only when it is the main module). */
import { z } from 'zod';
import { runCli } from './main';

// One process, a few parses: zod's compiled fast path costs more to build (new Function per object
// schema) than it saves here. The desktop app keeps it.
z.config({ jitless: true });

runCli();
