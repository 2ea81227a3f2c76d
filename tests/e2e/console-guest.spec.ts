/**
 * The consoles against the real Debian guest (tests/helpers/console-guest.ts), booted once for this file:
 * its screen through the local and the SSH host matches `virsh screenshot`, text typed through the toolbar
 * reaches the login prompt on tty1, Ctrl+Alt+Del from the Send keys menu reboots it; on the serial tab the
 * login prompt appears, root logs in, typed characters echo, and a new terminal size reaches the guest.
 * After each test no console session and no `virsh console` process is left.
 */
import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { virsh } from '../helpers/domains';
import { guestRun, NO_GUEST, startGuest, waitForAgent, type Guest } from '../helpers/console-guest';
import {
  addHosts,
  canvasGrid,
  lit,
  meanAbsDiff,
  openVmOn,
  sessions,
  sharedText,
  virshGrid,
  type Grid,
} from './console-helpers';
import { expect, test, type Qhci } from './fixtures';

test.skip(!!NO_GUEST, NO_GUEST);
// One guest for the whole file, and the tests follow one another on it (the login on ttyS0, the reboot).
test.describe.configure({ mode: 'serial' });

const PASSWORD = `Qh-${randomBytes(6).toString('hex')}`;
const USER_NAME = 'qhciuser';

let guest: Guest | null = null;

const g = (): Guest => {
  if (!guest) throw new Error('the guest did not start');
  return guest;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What tty1 shows, as text (the guest reads its own screen: /dev/vcs1, rows without line breaks). */
const tty1 = (uuid: string) => guestRun(uuid, 'cat /dev/vcs1');

const bootId = async (uuid: string) => (await guestRun(uuid, 'cat /proc/sys/kernel/random/boot_id')).trim();

/** Polls `check` until it holds; the last error (or a plain time-out) otherwise. */
async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  let last: unknown = null;
  while (Date.now() < end) {
    try {
      if (await check()) return;
      last = null;
    } catch (err) {
      last = err;
    }
    await sleep(1000);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** The login prompt is on tty1 and the agent answers: the guest has booted to its services. */
async function ready(uuid: string): Promise<void> {
  if (!(await waitForAgent(uuid, 300_000))) throw new Error('the guest agent never answered');
  await until('the login prompt on tty1', 60_000, async () => /debian login:/.test(await tty1(uuid)));
}

test.beforeAll(async () => {
  if (NO_GUEST) return;
  test.setTimeout(420_000);
  guest = startGuest();
  await ready(guest.uuid);
  // The image has no password for root; set one through the agent (plain text, base64 in the command).
  virsh(
    'qemu-agent-command',
    guest.uuid,
    JSON.stringify({
      execute: 'guest-set-user-password',
      arguments: { username: 'root', password: Buffer.from(PASSWORD).toString('base64'), crypted: false },
    }),
  );
});

test.afterAll(() => {
  guest?.remove();
  guest = null;
});

/** The `virsh console` processes of this guest (ours run it with --force; the SSH host is this machine). */
function consoleProcesses(uuid: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', `console --force --domain ${uuid}`], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim() !== '');
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Leaves the VM page: no session is left in the app and no `virsh console` of this guest on the host. */
async function allClosed(page: Page, qhci: Qhci): Promise<void> {
  await page.getByTestId('vm-detail-back').click();
  await sessions(qhci).toBe(0);
  await expect.poll(() => consoleProcesses(g().uuid), { timeout: 10_000 }).toEqual([]);
}

// ---- The graphical console ----

/** The mean grey of a grid cell that holds some of the console's (small, thin) text. */
const TEXT = 4;

/**
 * The canvas once it shows text and holds still. The framebuffer console's cursor blinks, so "still" is
 * "nearly": one cursor cell changing moves the mean of the 2880 cells by far less than 0.1.
 */
async function steadyCanvas(page: Page): Promise<Grid> {
  let last: number[] | null = null;
  const seen: string[] = [];
  for (let i = 0; i < 60; i++) {
    const now = await canvasGrid(page);
    const moved = last === null ? Infinity : meanAbsDiff(now.grid, last);
    if (lit(now.grid, TEXT).size >= 10 && moved < 0.1) return now;
    seen.push(`${lit(now.grid, TEXT).size} lit, moved ${moved.toFixed(3)}`);
    last = now.grid;
    await page.waitForTimeout(500);
  }
  throw new Error(`the console canvas never showed a steady screen (${seen.slice(-5).join('; ')})`);
}

/** The Console tab's canvas is not blank and matches libvirt's own screenshot taken at the same moment. */
async function checkScreen(page: Page): Promise<void> {
  await page.getByTestId('vm-tab-console').click();
  await expect(page.getByTestId('vnc-screen')).toHaveAttribute('data-state', 'connected', {
    timeout: 30_000,
  });
  const before = await steadyCanvas(page);
  const truth = virshGrid(g().uuid);
  const after = await canvasGrid(page);
  expect(lit(before.grid, TEXT).size, 'the canvas shows text').toBeGreaterThanOrEqual(25); // 37 for the login screen
  expect([before.width, before.height]).toEqual([truth.width, truth.height]);
  // The screen did not change while libvirt took its picture (or the comparison would mean little).
  expect(meanAbsDiff(before.grid, after.grid)).toBeLessThan(0.1);
  expect(sharedText(before.grid, truth.grid, TEXT), 'the same cells carry text').toBeGreaterThan(0.8);
  expect(meanAbsDiff(before.grid, truth.grid), 'the same picture, coarsely').toBeLessThan(6);
  const shared = (100 * sharedText(before.grid, truth.grid, TEXT)).toFixed(0);
  const diff = meanAbsDiff(before.grid, truth.grid).toFixed(2);
  const cells = lit(before.grid, TEXT).size;
  test.info().annotations.push({
    type: 'canvas vs virsh screenshot',
    description: `${before.width}×${before.height}: ${cells} text cells, ${shared}% shared, mean diff ${diff}`,
  });
}

/** "Type text…" the user name (no Enter) and read it back from tty1; then erase it with the keyboard. */
async function typeAndErase(page: Page, qhci: Qhci, shot: string | null): Promise<void> {
  const uuid = g().uuid;
  expect(await tty1(uuid)).not.toContain(USER_NAME);
  await page.getByTestId('vnc-type-text').click();
  await page.getByTestId('vnc-type-input').fill(USER_NAME);
  await page.getByTestId('vnc-type-submit').click();
  await expect(page.getByTestId('vnc-type-modal')).toHaveCount(0);
  await until('the typed name on tty1', 15_000, async () =>
    (await tty1(uuid)).includes(`login: ${USER_NAME}`),
  );
  if (shot) {
    // The canvas shows it too (the framebuffer update follows the keystrokes).
    await steadyCanvas(page);
    await qhci.screenshot(shot);
  }
  // Closing the dialog gave the keyboard back to the screen: Backspace goes to the guest through noVNC.
  await expect(page.getByTestId('vnc-screen').locator('canvas').first()).toBeFocused();
  for (let i = 0; i < USER_NAME.length; i++) await page.keyboard.press('Backspace');
  await until('the name erased on tty1', 15_000, async () => {
    const screen = await tty1(uuid);
    return !screen.includes(USER_NAME) && screen.includes('debian login:');
  });
}

test('the console shows the guest’s screen through the local and the SSH host, and typed text reaches tty1', async ({
  page,
  qhci,
}) => {
  test.setTimeout(180_000);
  await addHosts(qhci);
  await qhci.open();
  for (const hostName of ['local', 'kvm-a']) {
    await openVmOn(page, hostName, g().name);
    await checkScreen(page);
    await sessions(qhci).toBe(1);
    await typeAndErase(page, qhci, hostName === 'kvm-a' ? 'console-guest-vnc-typed' : null);
    await allClosed(page, qhci);
  }
});

// ---- The serial console ----

/** The terminal's rows as text, from xterm's DOM renderer. */
async function terminalText(page: Page): Promise<string> {
  return page
    .getByTestId('serial-screen')
    .locator('.xterm-rows')
    .evaluate((el) =>
      [...el.children].map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n'),
    );
}

const terminalShows = (page: Page, re: RegExp, timeout = 20_000) =>
  expect.poll(() => terminalText(page), { timeout }).toMatch(re);

/** The Serial tab on the SSH host, connected and holding the keyboard. */
async function openSerial(page: Page, qhci: Qhci): Promise<void> {
  await addHosts(qhci);
  await qhci.open();
  await openVmOn(page, 'kvm-a', g().name);
  await page.getByTestId('vm-tab-serial').click();
  const screen = page.getByTestId('serial-screen');
  await expect(screen).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
  await sessions(qhci).toBe(1);
  // The session is `virsh console` on the host (which allClosed then finds gone).
  await expect.poll(() => consoleProcesses(g().uuid).length, { timeout: 10_000 }).toBe(1);
  await screen.click();
}

test('the serial console shows the login prompt; root logs in and typed characters echo', async ({
  page,
  qhci,
}) => {
  test.setTimeout(120_000);
  await openSerial(page, qhci);
  // getty wrote its prompt before anyone listened: Enter asks for a new one.
  await page.keyboard.press('Enter');
  await terminalShows(page, /debian login: *$/m);
  await page.keyboard.type('root');
  await terminalShows(page, /debian login: root$/m); // the name echoes as it is typed
  await page.keyboard.press('Enter');
  await terminalShows(page, /Password: *$/m);
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await terminalShows(page, /root@debian:~# *$/m, 30_000);
  expect(await terminalText(page)).not.toContain(PASSWORD);
  await page.keyboard.type('echo qhci-$((6*7))');
  await terminalShows(page, /# echo qhci-\$\(\(6\*7\)\)$/m); // echoed as typed
  await page.keyboard.press('Enter');
  await terminalShows(page, /^qhci-42$/m); // and run
  await qhci.screenshot('console-guest-serial');
  await allClosed(page, qhci);
});

/**
 * A serial line has no window size: resizing the host's pty (consoles.resize) never reaches the guest's
 * ttyS0, whose `stty size` stays what getty set (agetty's 24 80) until someone sets it. So the guest asks the terminal: CSI 18 t, which
 * xterm answers CSI 8 ; rows ; cols t (SerialConsole enables that report and no other), and applies the
 * answer with stty, as a login script on a serial console would.
 */
const ASK_SIZE =
  "sz(){ printf '\\e[18t'; IFS='[;' read -s -d t _ _ R C; stty rows $R cols $C; echo \"sz$((3*3))=$(stty size)\"; }";

async function guestSize(page: Page): Promise<[number, number]> {
  const before = (await terminalText(page)).match(/^sz9=\d+ \d+$/gm)?.length ?? 0;
  await page.keyboard.type('sz');
  await page.keyboard.press('Enter');
  let found: [number, number] | null = null;
  await expect
    .poll(
      async () => {
        const all = [...(await terminalText(page)).matchAll(/^sz9=(\d+) (\d+)$/gm)];
        if (all.length <= before) return false;
        const m = all[all.length - 1]!;
        found = [Number(m[1]), Number(m[2])];
        return true;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return found!;
}

/** xterm's own size: what it says it has (data-rows, data-cols), checked against the rows it draws. */
async function terminalSize(page: Page): Promise<[number, number]> {
  const screen = page.getByTestId('serial-screen');
  const rows = Number(await screen.getAttribute('data-rows'));
  const cols = Number(await screen.getAttribute('data-cols'));
  expect(await screen.locator('.xterm-rows > div').count()).toBe(rows);
  return [rows, cols];
}

test('a new terminal size reaches the guest when it asks (stty size)', async ({ page, qhci }) => {
  test.setTimeout(120_000);
  await openSerial(page, qhci);
  // Still logged in from the test before: the shell's prompt comes back.
  await page.keyboard.press('Enter');
  await terminalShows(page, /root@debian:~# *$/m);
  const first = await terminalSize(page);
  // Before it asks, the guest does not know the terminal's size (the host's pty has had it all along):
  // it still has getty's 24×80.
  await page.keyboard.type('echo "st$((2*2))=$(stty size)"');
  await page.keyboard.press('Enter');
  await terminalShows(page, /^st4=\d+ \d+$/m);
  const unasked = (await terminalText(page))
    .match(/^st4=(\d+) (\d+)$/m)!
    .slice(1)
    .map(Number);
  test.info().annotations.push({ type: 'stty size before asking', description: unasked.join(' ') });
  expect(unasked).not.toEqual(first);

  await page.keyboard.type(ASK_SIZE);
  await page.keyboard.press('Enter');
  expect(await guestSize(page)).toEqual(first);

  // A smaller window: the tab refits the terminal.
  await page.setViewportSize({ width: 1000, height: 640 });
  await expect.poll(() => terminalSize(page), { timeout: 10_000 }).not.toEqual(first);
  const second = await terminalSize(page);
  expect(second[0]).toBeLessThan(first[0]);
  expect(second[1]).toBeLessThan(first[1]);
  expect(await guestSize(page)).toEqual(second);
  await qhci.screenshot('console-guest-serial-resized');
  await allClosed(page, qhci);
});

// ---- Last: it reboots the guest ----

test('Ctrl+Alt+Del from the Send keys menu reboots the guest', async ({ page, qhci }) => {
  test.setTimeout(420_000);
  const uuid = g().uuid;
  const booted = await bootId(uuid);
  await addHosts(qhci);
  await qhci.open();
  await openVmOn(page, 'kvm-a', g().name);
  await page.getByTestId('vm-tab-console').click();
  await expect(page.getByTestId('vnc-screen')).toHaveAttribute('data-state', 'connected', {
    timeout: 30_000,
  });
  await steadyCanvas(page);
  await page.getByTestId('vnc-send-keys').click();
  await page.getByTestId('vnc-key-ctrl-alt-del').click();
  // systemd's ctrl-alt-del.target reboots; the domain restarts in place (on_reboot restart), so the agent
  // goes away, comes back, and the kernel has a new boot id.
  await until('a new boot id', 360_000, async () => (await bootId(uuid)) !== booted);
  await ready(uuid);
  // The console stayed with the VM through its reset and shows the new boot's login prompt.
  await checkScreen(page);
  await qhci.screenshot('console-guest-vnc-rebooted');
  await allClosed(page, qhci);
});
