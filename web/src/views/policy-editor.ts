/**
 * The routing-policy editor form: how to rank (kind and its fields) and the hard limits. It knows nothing
 * of the API: it reports every change as a RoutingPolicyInput (for the live preview) and hands the input
 * over on submit; policies.ts saves it. Fields that do not apply to the chosen kind are hidden.
 */
import { h, replace } from '../dom';
import {
  POLICY_KINDS,
  type PolicyForm,
  type PolicyInput,
  type StoredSpec,
  emptyForm,
  formFromSpec,
  inputFromForm,
} from '../policy-form';

/** A stored policy as the list query returns it. */
export interface Policy {
  id: string;
  name: string;
  isDefault: boolean;
  summary: string;
  spec: StoredSpec;
}

export interface PolicyEditor {
  form: HTMLFormElement;
  /** The stored policy being edited; null while creating one. */
  readonly editing: { id: string; name: string } | null;
  /** Loads a stored policy (or, null, an empty new one) and focuses its name when asked. */
  fill(p: Policy | null, focus?: boolean): void;
  /** After a save: the form now edits that stored policy. */
  saved(p: { id: string; name: string }): void;
  /** Whether to make a new policy the default. */
  makeDefault(): boolean;
  /** Says what happened, under the buttons (a live region). */
  say(text: string, error?: boolean): void;
  setProviders(ids: string[]): void;
}

let hintId = 0;
/** A labelled control with an optional hint tied to it (aria-describedby). */
function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  if (!hint) return h('label', {}, label, control);
  const id = `hint-${++hintId}`;
  control.setAttribute('aria-describedby', id);
  return h(
    'div',
    { class: 'field' },
    h('label', {}, label, control),
    h('small', { id, class: 'note' }, hint),
  );
}

export function policyEditor(opts: {
  /** Without the admin scope the form previews but cannot save. */
  admin: boolean;
  onChange: (input: PolicyInput) => void;
  onSubmit: (input: PolicyInput) => void;
}): PolicyEditor {
  const text = (name: string, id: string, placeholder?: string) =>
    h('input', { name, id, placeholder, autocomplete: 'off' });
  const amount = (name: string, id: string) => h('input', { name, id, type: 'number', min: 0, step: 'any' });
  const c = {
    name: h('input', {
      name: 'name',
      id: 'policy-name',
      required: true,
      maxlength: 100,
      autocomplete: 'off',
    }),
    kind: h(
      'select',
      { name: 'kind', id: 'policy-kind', 'aria-describedby': 'kind-hint' },
      ...POLICY_KINDS.map(([v]) => h('option', { value: v }, v)),
    ),
    preferRegions: text('preferRegions', 'policy-prefer', 'e.g. FR, EU'),
    fixed: h('input', {
      name: 'fixed',
      id: 'policy-fixed',
      list: 'provider-ids',
      placeholder: 'e.g. mistral',
    }),
    allowedRegions: text('allowedRegions', 'policy-regions', 'e.g. EU'),
    allowedProviders: text('allowedProviders', 'policy-only', 'any'),
    deniedProviders: text('deniedProviders', 'policy-never', 'none'),
    maxPrice: amount('maxPrice', 'policy-price'),
    maxGco2e: amount('maxGco2e', 'policy-gco2e'),
    allowFallbacks: h('input', { type: 'checkbox', name: 'allowFallbacks', id: 'policy-fallbacks' }),
    lenientResidency: h('input', { type: 'checkbox', name: 'lenientResidency', id: 'policy-lenient' }),
  };
  c.allowedProviders.setAttribute('aria-describedby', 'providers-hint');
  c.deniedProviders.setAttribute('aria-describedby', 'providers-hint');
  const makeDefault = h('input', { type: 'checkbox', name: 'makeDefault', id: 'policy-default' });
  const providerIds = h('datalist', { id: 'provider-ids' });
  const providersHint = h('small', { class: 'note', id: 'providers-hint' });
  const kindHint = h('small', { class: 'note', id: 'kind-hint' });
  const preferField = field(
    'Preferred regions, in order',
    c.preferRegions,
    'Region ids, countries, EU/EEA/US.',
  );
  const fixedField = field(
    'Provider or endpoint',
    c.fixed,
    'A provider id, or <model>@<region> for one endpoint.',
  );
  const defaultField = h('label', { class: 'check' }, makeDefault, 'Make it the default');
  const heading = h('h3', { id: 'editor-h' }, 'New policy');
  const save = h('button', { type: 'submit', id: 'policy-save' }, 'Create policy');
  const reset = h('button', { type: 'button', class: 'secondary' }, 'New policy');
  const result = h('p', { role: 'status', id: 'policy-result' });
  const form = h(
    'form',
    { id: 'policy-form', 'aria-labelledby': 'editor-h' },
    heading,
    h(
      'fieldset',
      {},
      h('legend', {}, 'How to rank'),
      h(
        'div',
        { class: 'fields grid' },
        field('Name', c.name),
        h('div', { class: 'field' }, h('label', {}, 'Kind', c.kind), kindHint),
        preferField,
        fixedField,
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Hard limits (no fallback breaks them)'),
      h(
        'div',
        { class: 'fields grid' },
        field('Data stays in', c.allowedRegions, 'Region ids, countries, EU/EEA/US. Empty: anywhere.'),
        h(
          'label',
          { class: 'check' },
          c.lenientResidency,
          'Also accept locations the provider does not document (lenient residency)',
        ),
        h('label', {}, 'Only providers', c.allowedProviders),
        h('label', {}, 'Never providers', c.deniedProviders),
        field('Max price (USD / 1M tokens)', c.maxPrice),
        field('Max gCO2e / 1k output tokens', c.maxGco2e),
        h('label', { class: 'check' }, c.allowFallbacks, 'Fall back to the next candidate on failure'),
      ),
      providersHint,
      providerIds,
    ),
    opts.admin
      ? h('div', { class: 'fields' }, defaultField, save, reset)
      : h(
          'p',
          { class: 'note' },
          'Saving needs a key with the admin scope; the preview works with this one.',
        ),
    result,
  );

  let editing: { id: string; name: string } | null = null;
  const read = (): PolicyForm => ({
    name: c.name.value,
    kind: c.kind.value,
    preferRegions: c.preferRegions.value,
    fixed: c.fixed.value,
    allowedRegions: c.allowedRegions.value,
    lenientResidency: c.lenientResidency.checked,
    allowedProviders: c.allowedProviders.value,
    deniedProviders: c.deniedProviders.value,
    maxPrice: c.maxPrice.value,
    maxGco2e: c.maxGco2e.value,
    allowFallbacks: c.allowFallbacks.checked,
  });
  const changed = () => {
    kindHint.textContent = POLICY_KINDS.find(([k]) => k === c.kind.value)?.[1] ?? '';
    preferField.hidden = c.kind.value !== 'prefer-region';
    fixedField.hidden = c.kind.value !== 'fixed-provider';
    opts.onChange(inputFromForm(read()));
  };
  const title = (p: { name: string } | null) => {
    heading.textContent = p ? `Edit “${p.name}”` : 'New policy';
    save.textContent = p ? 'Save changes' : 'Create policy';
    defaultField.hidden = !!p;
  };
  const editor: PolicyEditor = {
    form,
    get editing() {
      return editing;
    },
    fill(p, focus = false) {
      editing = p && { id: p.id, name: p.name };
      const f = p ? formFromSpec(p.name, p.spec) : emptyForm();
      for (const k of Object.keys(f) as (keyof PolicyForm)[]) {
        if (k === 'allowFallbacks') c.allowFallbacks.checked = f.allowFallbacks;
        else if (k === 'lenientResidency') c.lenientResidency.checked = f.lenientResidency;
        else c[k].value = f[k];
      }
      makeDefault.checked = false;
      title(p);
      result.textContent = '';
      changed();
      if (focus) c.name.focus();
    },
    saved(p) {
      editing = p;
      title(p);
    },
    makeDefault: () => makeDefault.checked,
    say(text, error = false) {
      result.className = error ? 'error' : '';
      result.textContent = text;
    },
    setProviders(ids) {
      replace(providerIds, ...ids.map((id) => h('option', { value: id })));
      providersHint.textContent = `Provider ids, comma-separated: ${ids.join(', ')}.`;
    },
  };
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  reset.addEventListener('click', () => editor.fill(null, true));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    opts.onSubmit(inputFromForm(read()));
  });
  return editor;
}
