/** What every command gets: the typed client, the output mode, the project. */
import type { PortEnd } from '../main/consoles/port-pump';
import type { QhciClient } from '../shared/ipc/transport';

export interface Ctx {
  client: QhciClient;
  /** Where a console session opened by consoles.open gets its port (the in-process app's sessions). */
  streams?: { attach(sessionId: string, port: PortEnd, owner: string | null): void };
  json: boolean;
  projectId: string;
}

export function print(ctx: Ctx, value: unknown, text: () => string): void {
  console.log(ctx.json ? JSON.stringify(value, null, 2) : text());
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** A readable table: columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}
