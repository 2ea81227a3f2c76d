import { expect, test } from './fixtures';
test('debug escape', async ({ page, qhci }) => {
  await qhci.open();
  await page.getByTestId('nav-specs').click();
  await page.getByTestId('spec-create').click();
  await page.evaluate(`(() => {
    window.__log = [];
    for (const [name, t] of [['window', window], ['document', document], ['body', document.body]]) {
      t.addEventListener('keydown', (e) => window.__log.push(name + ':' + e.key + ':' + e.eventPhase + ':' + (document.activeElement && document.activeElement.getAttribute('data-testid'))), true);
      t.addEventListener('keydown', (e) => window.__log.push(name + ':bubble:' + e.key), false);
    }
  })()`);
  await page.getByTestId('spec-timezone').click();
  await expect(page.getByRole('option', { name: /^Africa\/Abidjan/ })).toBeVisible();
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  console.log(await page.evaluate('window.__log'));
  console.log(await page.getByTestId('spec-form').count());
});
