/**
 * Compile-time proof that the contract types every call: each @ts-expect-error below must be an error,
 * or `npm run typecheck:node` fails. Nothing here runs.
 */
import { createClient, type QhciBridge } from '../../src/shared/ipc/transport';

declare const bridge: QhciBridge;
const client = createClient(bridge);

export async function typedCalls(): Promise<void> {
  const folder = await client.call('folders.create', { name: 'Production' });
  const path: string = folder.path;
  void path;

  // @ts-expect-error: no such channel
  await client.call('folders.explode', {});
  // @ts-expect-error: a required field is missing
  await client.call('folders.rename', { id: 'x' });
  // @ts-expect-error: a field of the wrong type
  await client.call('folders.create', { name: 42 });
  // @ts-expect-error: the output has no such property
  void (await client.call('specs.get', { id: 'x' })).adminPassword;

  client.on('inventory.changed', (p) => {
    // @ts-expect-error: the payload's entity is a known union, not a number
    const n: number = p.entity;
    void n;
  });
}
