import { describe, expect, it } from 'vitest';
import { permissionAllowed } from './permissions';

const APP = 'app://qhci/index.html';

describe('permissionAllowed', () => {
  it('lets the app page go full screen (the console)', () => {
    expect(
      permissionAllowed(
        { permission: 'fullscreen', requestingUrl: 'app://qhci/index.html#/vms/x', isMainFrame: true },
        APP,
      ),
    ).toBe(true);
  });

  it('refuses every other permission, another origin, a subframe or an unknown requester', () => {
    const asks = [
      { permission: 'media', requestingUrl: 'app://qhci/index.html', isMainFrame: true },
      { permission: 'clipboard-read', requestingUrl: 'app://qhci/index.html', isMainFrame: true },
      { permission: 'notifications', requestingUrl: 'app://qhci/index.html', isMainFrame: true },
      { permission: 'fullscreen', requestingUrl: 'https://evil.example/', isMainFrame: true },
      { permission: 'fullscreen', requestingUrl: 'app://other/index.html', isMainFrame: true },
      { permission: 'fullscreen', requestingUrl: 'app://qhci/index.html', isMainFrame: false },
      { permission: 'fullscreen', requestingUrl: undefined, isMainFrame: true },
      { permission: 'fullscreen', requestingUrl: 'not a url', isMainFrame: true },
    ];
    for (const ask of asks) expect(permissionAllowed(ask, APP), JSON.stringify(ask)).toBe(false);
  });

  it('follows the dev server origin when the app runs from it', () => {
    const dev = 'http://localhost:5173/';
    expect(
      permissionAllowed(
        { permission: 'fullscreen', requestingUrl: 'http://localhost:5173/', isMainFrame: true },
        dev,
      ),
    ).toBe(true);
    expect(permissionAllowed({ permission: 'fullscreen', requestingUrl: APP, isMainFrame: true }, dev)).toBe(
      false,
    );
  });
});
