/** The bundle's entry: runs the tool (src/cli/main.ts runs itself only when it is the main module). */
import { runCli } from './main';

runCli();
