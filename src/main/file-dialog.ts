/** Main's own file dialog, for files.pick: the window asks for a purpose, never for a path. Electron-only. */
import { dialog, type BrowserWindow, type OpenDialogOptions } from 'electron';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { FilePurpose } from '../shared/domain/files';

const OPTIONS: Readonly<Record<FilePurpose, OpenDialogOptions>> = {
  image: {
    title: 'Choose an image to upload',
    properties: ['openFile'],
    filters: [
      { name: 'Disk images and ISOs', extensions: ['qcow2', 'img', 'raw', 'iso', 'vmdk', 'vdi'] },
      { name: 'All files', extensions: ['*'] },
    ],
  },
  'ssh-key': {
    title: 'Choose a private key',
    properties: ['openFile', 'showHiddenFiles'],
    defaultPath: join(homedir(), '.ssh'),
  },
  'agent-socket': {
    title: 'Choose an ssh-agent socket',
    properties: ['openFile', 'showHiddenFiles'],
  },
};

export async function pickFile(parent: BrowserWindow | null, purpose: FilePurpose): Promise<string | null> {
  const options = OPTIONS[purpose];
  const r = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return r.canceled ? null : (r.filePaths[0] ?? null);
}
