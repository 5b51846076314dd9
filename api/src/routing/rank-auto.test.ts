import { expect, test } from 'vitest';
import { classifyRequest } from './classify';
import { rankCandidates } from './rank';
import { candidate, policyOf, rankInput } from './rank.fixtures';

// lowrouter/auto: the classifier's tier, then the lowest footprint that fits.
const fr = { provider: 'scaleway', region: 'fr-par', country: 'FR' };
const se = { provider: 'azure', region: 'se', country: 'SE' };
const tiny = candidate({ ...fr, model: 'v/tiny', tier: 'small', gco2e: 0.02 });
const mid = candidate({ ...fr, model: 'v/mid', tier: 'medium', gco2e: 0.2, input: 0.1, output: 0.3 });
const mid2 = candidate({ ...se, model: 'v/mid2', tier: 'medium', gco2e: 0.1 });
const big = candidate({ ...se, model: 'v/big', tier: 'large', gco2e: 0.05 });
const codeRequest = classifyRequest({
  messages: [{ role: 'user', content: 'Write a Python function to parse dates.' }],
});

test('picks the lowest-footprint model in the needed tier, then the tiers above', () => {
  const result = rankCandidates(
    rankInput([tiny, mid, mid2, big], policyOf(), { model: 'lowrouter/auto', classification: codeRequest }),
  );
  expect(result.attempts.map((a) => a.modelId)).toEqual(['v/mid2', 'v/mid', 'v/big']);
  expect(result.attempts[0]!.reasons).toEqual([
    'first choice',
    'auto: this request needs tier medium (programming request ("python"))',
    'lowest footprint: 0.1 gCO2e per 1,000 output tokens, reference request of 400 tokens',
  ]);
  expect(result.excluded).toEqual([
    {
      endpointId: tiny.endpoint.id,
      reason: 'excluded: tier small is below the medium tier this request needs',
    },
  ]);
  expect(result.classification?.tier).toBe('medium');
});

test('goes up a tier when the needed tier has no candidate that fits', () => {
  const result = rankCandidates(
    rankInput([tiny, big], policyOf(), { model: 'lowrouter/auto', classification: codeRequest }),
  );
  expect(result.attempts.map((a) => a.modelId)).toEqual(['v/big']);
  expect(result.attempts[0]!.reasons).toContain(
    'tier large: no medium model is available for this request, so the next tier up',
  );
});

test('a models list restricts the choice', () => {
  const result = rankCandidates(
    rankInput([tiny, mid, mid2, big], policyOf(), {
      model: 'lowrouter/auto',
      models: ['v/mid', 'v/big'],
      classification: codeRequest,
    }),
  );
  expect(result.attempts.map((a) => a.modelId)).toEqual(['v/mid', 'v/big']);
});

test('leaves out models whose context window cannot hold the prompt plus max output', () => {
  const short = candidate({ ...se, model: 'v/mid2', tier: 'medium', gco2e: 0.1, contextWindow: 8_192 });
  const result = rankCandidates(
    rankInput([short, mid], policyOf(), {
      model: 'lowrouter/auto',
      classification: codeRequest,
      estimatedInputTokens: 7_000,
      maxTokens: 2_000,
    }),
  );
  expect(result.attempts.map((a) => a.modelId)).toEqual(['v/mid']);
  expect(result.excluded[0]!.reason).toBe('excluded: context window 8,192 < 9,000 needed');
});

test('applies the policy kind inside the tier: prefer-cheapest picks the cheapest medium model', () => {
  const result = rankCandidates(
    rankInput([mid2, mid, big], policyOf({ kind: 'prefer-cheapest' }), {
      model: 'lowrouter/auto',
      classification: codeRequest,
    }),
  );
  expect(result.attempts.map((a) => a.modelId)).toEqual(['v/mid', 'v/mid2', 'v/big']);
});

test('assumes tier small and says so when no classification is given', () => {
  const result = rankCandidates(rankInput([tiny, mid], policyOf(), { model: 'lowrouter/auto' }));
  expect(result.attempts[0]!.reasons[1]).toBe(
    'auto: this request needs tier small (no classification given)',
  );
});
