import { expect, test } from './fixtures';

test('the shell shows the brand, the navigation and each page', async ({ page, qhci }) => {
  await qhci.open();
  await expect(page).toHaveTitle('QHCI');
  await expect(page.getByTestId('brand')).toHaveText('QHCI — Quantix Host Console');

  const pages = [
    { nav: 'nav-hosts', heading: 'Hosts', empty: 'hosts-empty' },
    { nav: 'nav-vms', heading: 'Virtual Machines', empty: 'vms-empty' },
    { nav: 'nav-images', heading: 'Images', empty: 'images-empty' },
    { nav: 'nav-tasks', heading: 'Tasks', empty: 'tasks-empty' },
  ];
  for (const p of pages) {
    await page.getByTestId(p.nav).click();
    await expect(page.getByRole('heading', { level: 1, name: p.heading })).toBeVisible();
    await expect(page.getByTestId(p.empty)).toBeVisible();
    await expect(page.getByTestId(p.nav)).toHaveAttribute('aria-current', 'page');
    await qhci.screenshot(`page-${p.nav.slice(4)}`);
  }

  await page.getByTestId('nav-folders').click();
  await expect(page.getByTestId('folder-node-/')).toBeVisible();
  await page.getByTestId('nav-specs').click();
  await expect(page.getByTestId('spec-empty')).toBeVisible();
});

test('the page runs under the strict Content-Security-Policy', async ({ page, qhci }) => {
  await qhci.open();
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toMatch(/https?:/);
  // An inline script must be refused by the policy.
  const ran = await page.evaluate(`(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.appendChild(s);
    return window.__inlineRan === true;
  })()`);
  expect(ran).toBe(false);
  // The refusal is logged as a console error; it is expected here.
  await expect.poll(() => qhci.problems.some((p) => p.includes('Content Security Policy'))).toBe(true);
  qhci.problems.splice(0);
});
