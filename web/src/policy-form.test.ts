import { describe, expect, it } from 'vitest';
import { emptyForm, formFromSpec, inputFromForm, list } from './policy-form';

describe('policy form', () => {
  it('splits lists on commas and spaces and drops empty ones', () => {
    expect(list(' EU, FR  scaleway,,')).toEqual(['EU', 'FR', 'scaleway']);
    expect(list(' , ')).toBeUndefined();
  });

  it('round-trips a stored spec through the form', () => {
    const spec = {
      kind: 'prefer-region',
      preferRegions: ['FR', 'EU'],
      constraints: {
        allowedRegions: ['EU'],
        deniedProviders: ['groq'],
        maxGco2ePer1kTokens: 0.5,
        allowFallbacks: false,
      },
    };
    const form = formFromSpec('eu first', spec);
    expect(form).toMatchObject({ preferRegions: 'FR, EU', deniedProviders: 'groq', maxGco2e: '0.5' });
    expect(inputFromForm(form)).toEqual({
      name: 'eu first',
      kind: 'prefer-region',
      preferRegions: ['FR', 'EU'],
      allowedRegions: ['EU'],
      deniedProviders: ['groq'],
      maxGco2ePer1kTokens: 0.5,
      allowFallbacks: false,
    });
  });

  it('leaves out what the kind does not use, and tells endpoints from providers', () => {
    const f = { ...emptyForm(), kind: 'auto', preferRegions: 'FR', fixed: 'openai' };
    expect(inputFromForm(f)).toEqual({ name: 'unsaved policy', kind: 'auto', allowFallbacks: true });
    expect(inputFromForm({ ...f, kind: 'fixed-provider' }).fixedProviderId).toBe('openai');
    const endpoint = 'openai/gpt-4o-mini@openai:us';
    expect(inputFromForm({ ...f, kind: 'fixed-provider', fixed: endpoint }).fixedEndpointId).toBe(endpoint);
    expect(formFromSpec('x', { kind: 'fixed-provider', fixed: { endpointId: endpoint } }).fixed).toBe(
      endpoint,
    );
  });

  it('sends residency lenient only when chosen and regions are set; strict is the default', () => {
    const f = { ...emptyForm(), allowedRegions: 'US' };
    expect(inputFromForm(f)).not.toHaveProperty('residency');
    expect(inputFromForm({ ...f, lenientResidency: true })).toMatchObject({
      allowedRegions: ['US'],
      residency: 'lenient',
    });
    expect(inputFromForm({ ...f, allowedRegions: '', lenientResidency: true })).not.toHaveProperty(
      'residency',
    );
    const back = formFromSpec('x', { constraints: { allowedRegions: ['US'], residency: 'lenient' } });
    expect(back).toMatchObject({ allowedRegions: 'US', lenientResidency: true });
  });
});
