/**
 * Consoles: the inputs of the channels that open, resize and close a console stream, and what the page
 * is told about a display. The stream's bytes travel on a MessagePort (src/shared/ipc/streams.ts).
 */
import { z } from 'zod';
import { Id } from './names';

export const CONSOLE_KINDS = ['vnc', 'serial'] as const;
export type ConsoleKind = (typeof CONSOLE_KINDS)[number];

const Cols = z.int().min(2).max(1000);
const Rows = z.int().min(2).max(500);

export const ConsoleOpenInput = z.strictObject({
  vmId: Id,
  kind: z.enum(CONSOLE_KINDS),
  /** Serial: the terminal's size when it opens. */
  cols: Cols.optional(),
  rows: Rows.optional(),
});

export const ConsoleSessionInput = z.strictObject({ sessionId: Id });

export const ConsoleResizeInput = z.strictObject({ sessionId: Id, cols: Cols, rows: Rows });

export const VmScreenshotInput = z.strictObject({ vmId: Id });

/** What the console needs to know about a VM's graphical display. */
export interface DisplayInfo {
  /** The display listens on more than the host's loopback (0.0.0.0, ::, a network): others can reach it. */
  readonly exposed: boolean;
  /** The address (or socket path) it listens on, as the live XML says. */
  readonly listen: string;
  /** The VNC server asks for a password (the page asks the user; the value is never read from libvirt). */
  readonly passwordRequired: boolean;
}

export interface ConsoleOpened {
  readonly sessionId: string;
  readonly kind: ConsoleKind;
  readonly vmId: string;
  readonly vmName: string;
  readonly hostName: string;
  /** VNC only. */
  readonly display: DisplayInfo | null;
}

export interface VmScreenshot {
  /** A data: URL of the PNG. */
  readonly dataUrl: string;
  readonly width: number;
  readonly height: number;
  readonly takenAt: string;
}
