/**
 * A separate process that starts a creation and keeps it waiting in its "ready" step (the guest has no
 * agent), for tests that kill it mid-task. Usage: tsx create-child.ts DATA_DIR REQUEST_JSON
 * Prints "TASK <id> <pid>" once the task runs (pid: the process that owns the task), then waits.
 */
import { createApp } from '../../src/main/app';
import { CreateVmRequest } from '../../src/shared/domain/provision';
import { MIGRATIONS_DIR } from './app';

const [dataDir, requestJson] = process.argv.slice(2);
const app = createApp({
  dataDir: dataDir!,
  migrationsDir: MIGRATIONS_DIR,
  version: 'test',
  reconcile: false,
});
const started = app.provisioning.create(CreateVmRequest.parse(JSON.parse(requestJson!)));
process.stdout.write(`TASK ${started.taskIds[0]} ${process.pid}\n`);
setInterval(() => undefined, 1000);
