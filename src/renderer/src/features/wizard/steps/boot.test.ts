import { describe, expect, it } from 'vitest';
import { cloudImage, facts } from '../testing';
import { chooseImage, initStep, validateStep } from './boot';
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
});
