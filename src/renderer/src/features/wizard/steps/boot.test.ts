import { describe, expect, it } from 'vitest';
import { checkDraft, initDraft, placementRequest } from '../request';
import { NO_SECRETS } from '../draft';
import { cloudImage, facts } from '../testing';
import { chooseImage, firmwareOptions, initStep, validateStep } from './boot';
import { initStep as initStorage, newDisk } from './storage';

describe('boot media', () => {
  it('boots nothing by default, and needs an image once cloud image or ISO is chosen', () => {
    expect(validateStep(initStep(), facts(), initStorage())).toMatchObject({
      ok: true,
      value: { boot: { kind: 'none' } },
    });
    const r = validateStep({ ...initStep(), kind: 'cloud-image' }, facts(), initStorage());
    expect(r.errors.image).toBe('Choose a cloud image');
    expect(validateStep({ ...initStep(), kind: 'iso' }, facts(), initStorage()).errors.image).toBe(
      'Choose an ISO',
    );
  });

  it('choosing a cloud image grows a smaller boot disk to the image`s virtual size', () => {
    const storage = { disks: [{ ...newDisk(), size: '1', unit: 'GiB' as const }] };
    const next = chooseImage({ ...initStep(), kind: 'cloud-image' }, storage, cloudImage);
    expect(next.boot).toMatchObject({ kind: 'cloud-image', imageId: cloudImage.id });
    expect(next.storage.disks[0]).toMatchObject({ kind: 'new', size: '2', unit: 'GiB' });
  });

  it('keeps a boot disk already larger than the image', () => {
    const storage = initStorage();
    expect(chooseImage(initStep(), storage, cloudImage).storage.disks[0]).toMatchObject({
      size: '10',
      unit: 'GiB',
    });
  });

  it('puts a new boot disk first when the first disk is an existing volume', () => {
    const existing = { key: 'x', kind: 'existing' as const, imageId: 'v', pool: 'p', volume: 'data' };
    const next = chooseImage(initStep(), { disks: [existing] }, cloudImage);
    expect(next.storage.disks.map((d) => d.kind)).toEqual(['new', 'existing']);
  });

  it('reports a boot disk that became smaller than the image', () => {
    const storage = { disks: [{ ...newDisk(), size: '512', unit: 'MiB' as const }] };
    const r = validateStep(
      { ...initStep(), kind: 'cloud-image', imageId: cloudImage.id },
      facts({ image: cloudImage }),
      storage,
    );
    expect(r.errors.image).toBe(
      'The boot disk (512 MiB) is smaller than the image (2 GiB): make it larger in Storage',
    );
  });

  it("offers the profile's firmware (named), BIOS and UEFI, and starts on the profile's", () => {
    expect(initStep().firmware).toBe('auto');
    expect(validateStep(initStep(), facts(), initStorage())).toMatchObject({
      ok: true,
      value: { profile: 'linux-generic', firmware: 'auto' },
    });
    expect(firmwareOptions('debian')).toEqual([
      { value: 'auto', label: "Automatic (the profile's: BIOS)" },
      { value: 'bios', label: 'BIOS' },
      { value: 'uefi', label: 'UEFI' },
    ]);
    expect(firmwareOptions('windows-11')[0]!.label).toBe("Automatic (the profile's: UEFI)");
  });

  it('takes UEFI for a linux profile and BIOS for windows-10', () => {
    for (const [profile, firmware] of [
      ['debian', 'uefi'],
      ['windows-10', 'bios'],
      ['windows-11', 'uefi'],
    ] as const) {
      expect(validateStep({ ...initStep(), profile, firmware }, facts(), initStorage())).toMatchObject({
        ok: true,
        value: { profile, firmware },
      });
    }
  });

  it('refuses BIOS for windows-11 on the firmware field, saying why', () => {
    const r = validateStep(
      { ...initStep(), profile: 'windows-11', firmware: 'bios' },
      facts(),
      initStorage(),
    );
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual({
      firmware:
        'Windows 11 needs UEFI firmware: it requires secure boot, which only UEFI offers; choose UEFI or Automatic',
    });
  });

  it('asks the dry run for the firmware the VM gets, and puts the choice in the request', () => {
    const d = initDraft();
    const withBoot = (boot: Partial<typeof d.boot>) => ({ ...d, boot: { ...d.boot, ...boot } });
    expect(placementRequest(withBoot({ profile: 'debian' }), facts()).firmware).toEqual({
      uefi: false,
      tpm: false,
    });
    expect(placementRequest(withBoot({ profile: 'debian', firmware: 'uefi' }), facts()).firmware).toEqual({
      uefi: true,
      tpm: false,
    });
    expect(placementRequest(withBoot({ profile: 'windows-11' }), facts()).firmware).toEqual({
      uefi: true,
      tpm: true,
    });
    expect(placementRequest(withBoot({ profile: 'windows-10', firmware: 'bios' }), facts()).firmware).toEqual(
      {
        uefi: false,
        tpm: false,
      },
    );
    const named = {
      ...withBoot({ profile: 'debian', firmware: 'uefi' }),
      basics: { ...d.basics, name: 'vm1' },
    };
    const r = checkDraft(named, NO_SECRETS, facts(), undefined);
    expect(r.ok && r.request).toMatchObject({ profile: 'debian', firmware: 'uefi' });
  });
});
