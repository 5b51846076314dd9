/**
 * The `lowrouter/auto` classifier: turns what a request shows into the minimum capability tier
 * (small < medium < large < frontier). Deterministic, no model call; every rule below is a signal
 * with a floor tier, and the route reason lists the signals that fired.
 *
 * Text = every text part of every message (system, user, assistant, tool), case-insensitive.
 * Estimated input tokens = ceil(characters / 4) per message + 4 per message (role and framing)
 * + ceil(JSON length of `tools` / 4); OpenAI's rule of thumb, good to about ±20% for English.
 *
 * Signal              fires when                                                          floor
 * prompt-length       estimated input ≥ 1,500 tokens                                      medium
 *                     estimated input ≥ 12,000 tokens                                     large
 * code                a ``` fence, ≥ 2 code-like lines, a stack trace, or code vocabulary  medium
 *                     (python, sql, regex, script, refactor, unit test, bug, debug, ...)
 * mathematics         LaTeX, math symbols (∫ ∑ √ ≤ ∀), x^2-style powers, or math vocabulary  medium
 *                     (integral, derivative, equation, matrix, eigenvalue, probability, ...)
 * proof               prove, proof, show that, disprove, formalise, theorem, lemma          large
 * multi-step          ≥ 3 numbered or bulleted lines, or first … then … finally             medium
 * reasoning-hint      strong: think step by step, think carefully, reason carefully,        large
 *                     chain of thought, rigorous
 *                     weak: step by step, explain your reasoning, show your work            medium
 * design              system design, architecture, distributed system, trade-offs, ...     medium
 * tools               tools requested, or tool calls / tool results in the conversation     medium
 *                     ≥ 8 tools requested (agentic orchestration)                          large
 * structured-output   response_format json_schema or json_object                           medium
 * conversation-depth  ≥ 8 non-system messages                                              medium
 *                     ≥ 24 non-system messages                                             large
 * max-tokens          max_tokens ≥ 4,000                                                   medium
 *                     max_tokens ≥ 16,000                                                  large
 *
 * Decision: the highest floor among the signals that fired (small when none fired). Escalation: when
 * 3 or more distinct signals fire, the task combines demands, so the tier goes one step up
 * (medium → large, large → frontier). Frontier is reached only by escalation.
 */
import { TIER_ORDER, type Tier } from '@lowrouter/shared';

/** The request as the classifier sees it: the OpenAI chat-completions body, structurally. */
export interface ClassifiableRequest {
  messages: readonly {
    role: string;
    content: string | readonly { type: string; text?: string }[] | null;
    tool_calls?: readonly unknown[];
  }[];
  tools?: readonly unknown[];
  response_format?: { type: string };
  max_tokens?: number;
}

export type SignalId =
  | 'prompt-length'
  | 'code'
  | 'mathematics'
  | 'proof'
  | 'multi-step'
  | 'reasoning-hint'
  | 'design'
  | 'tools'
  | 'structured-output'
  | 'conversation-depth'
  | 'max-tokens'
  | 'escalation';

export interface Signal {
  id: SignalId;
  /** The least tier this signal asks for. */
  floor: Tier;
  /** What was seen, in words an operator understands. */
  detail: string;
}

export interface Classification {
  tier: Tier;
  /** `detail → floor` per signal, then the decision; for the route reason. */
  signals: string[];
  details: Signal[];
  /** Tokens, ≈ characters / 4 (see the header). */
  estimatedInputTokens: number;
}

const CODE_FENCE = /```/;
const CODE_START =
  /^\s*(def |class |function |import |from \S+ import|const |let |var |public |private |#include|fn |func |package |return\b|if \(|for \()/;
/** A line that starts like code, ends in `;` or `{`, or holds an arrow; lines over 400 chars are prose. */
const isCodeLine = (line: string) =>
  line.length <= 400 && (CODE_START.test(line) || /[;{]\s*$/.test(line) || line.includes('=>'));
const STACK_TRACE = /traceback \(most recent call last\)|\bat \S+ \(\S+:\d+:\d+\)|\b\w+(error|exception): /;
const CODE_WORDS =
  /\b(python|javascript|typescript|java|rust|golang|kotlin|swift|c\+\+|c#|sql|bash|shell script|powershell|regex|regular expression|script|code|compile[sd]?|refactor\w*|unit tests?|jest|pytest|stack trace|segfault|debug\w*|bug|lean 4|coq|dockerfile|kubernetes manifest)\b/;
const MATH_SYMBOLS =
  /[∫∑∏√≤≥≠∀∃∈∞π]|\\(frac|int|sum|sqrt|lim|cdot|mathbb)\b|(\b[a-z]|\))\s*\^\s*-?\d|\$[^$\n]{0,200}?[=^\\][^$\n]{0,200}\$/;
const MATH_WORDS =
  /\b(integral|integrate|derivative|differentiate|equation|eigen\w*|matrix|matrices|determinant|probability|expected value|variance|polynomial|logarithm|modulo|prime numbers?|combinatoric\w*|vector space|solve for|functional equation|inequality|converges?|convergence)\b/;
const PROOF_WORDS =
  /\b(prove|proves|proving|proof|disprove|show that|formali[sz]e|theorem|lemma|prouver|démontre[rz]?)\b/;
const STRONG_HINTS =
  /\b(think (step[- ]by[- ]step|carefully|hard|deeply)|reason (carefully|step[- ]by[- ]step)|chain[- ]of[- ]thought|rigorous(ly)?)\b/;
const WEAK_HINTS =
  /\b(step[- ]by[- ]step|explain your reasoning|show your (work|working|reasoning)|étape par étape)\b/;
const DESIGN_WORDS =
  /\b(system design|architecture|architect|distributed systems?|consensus algorithm|trade-?offs|scalability|migration plan)\b/;
const LIST_LINE = /^\s*(\d+[.)]|[-*•]|step \d+[:.)]?)\s+\S/;
/** "first" … "then" … "finally" in that order, found with three forward searches (no backtracking). */
function hasSequence(text: string): boolean {
  const first = text.search(/\bfirst\b/);
  if (first < 0) return false;
  const then = text.slice(first).search(/\bthen\b/);
  return then >= 0 && /\b(finally|lastly|after that)\b/.test(text.slice(first + then));
}

const n = (x: number) => x.toLocaleString('en-US');

function partText(content: ClassifiableRequest['messages'][number]['content']): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((p) => p.text ?? '').join('\n');
}

/** The first match of `re` in `text`, for quoting in a signal. */
const quote = (re: RegExp, text: string) => text.match(re)?.[0];

/** Classifies a chat request into the minimum tier it needs (rules in the file header). */
export function classifyRequest(req: ClassifiableRequest): Classification {
  const texts = req.messages.map((m) => partText(m.content));
  const raw = texts.join('\n');
  const text = raw.toLowerCase();
  const toolsJson = req.tools && req.tools.length > 0 ? JSON.stringify(req.tools).length : 0;
  const estimatedInputTokens =
    texts.reduce((sum, t) => sum + Math.ceil(t.length / 4) + 4, 0) + Math.ceil(toolsJson / 4);

  const found: Signal[] = [];
  const add = (id: SignalId, floor: Tier, detail: string) => found.push({ id, floor, detail });

  if (estimatedInputTokens >= 12_000)
    add('prompt-length', 'large', `long prompt, ~${n(estimatedInputTokens)} tokens`);
  else if (estimatedInputTokens >= 1_500)
    add('prompt-length', 'medium', `prompt of ~${n(estimatedInputTokens)} tokens`);

  const codeLines = raw.split('\n').filter(isCodeLine).length;
  if (CODE_FENCE.test(raw)) add('code', 'medium', 'code block in the prompt');
  else if (STACK_TRACE.test(text)) add('code', 'medium', 'stack trace or error message in the prompt');
  else if (codeLines >= 2) add('code', 'medium', `${codeLines} lines that look like code`);
  else if (CODE_WORDS.test(text)) add('code', 'medium', `programming request ("${quote(CODE_WORDS, text)}")`);

  const mathWord = quote(MATH_WORDS, text);
  if (MATH_SYMBOLS.test(raw)) add('mathematics', 'medium', 'mathematical notation');
  else if (mathWord) add('mathematics', 'medium', `mathematics ("${mathWord}")`);

  const proofWord = quote(PROOF_WORDS, text);
  if (proofWord) add('proof', 'large', `proof requested ("${proofWord}")`);

  const listLines = raw.split('\n').filter((l) => LIST_LINE.test(l.toLowerCase())).length;
  if (listLines >= 3) add('multi-step', 'medium', `multi-step instructions (${listLines} listed steps)`);
  else if (hasSequence(text)) add('multi-step', 'medium', 'multi-step instructions (first … then … finally)');

  const strong = quote(STRONG_HINTS, text);
  const weak = quote(WEAK_HINTS, text);
  if (strong) add('reasoning-hint', 'large', `explicit reasoning hint ("${strong}")`);
  else if (weak) add('reasoning-hint', 'medium', `reasoning hint ("${weak}")`);

  const design = quote(DESIGN_WORDS, text);
  if (design) add('design', 'medium', `design or architecture task ("${design}")`);

  const toolCount = req.tools?.length ?? 0;
  const toolHistory = req.messages.some((m) => m.role === 'tool' || (m.tool_calls?.length ?? 0) > 0);
  if (toolCount >= 8) add('tools', 'large', `${toolCount} tools offered (agentic orchestration)`);
  else if (toolCount > 0) add('tools', 'medium', `${toolCount} tool${toolCount > 1 ? 's' : ''} offered`);
  else if (toolHistory) add('tools', 'medium', 'tool calls in the conversation');

  const format = req.response_format?.type;
  if (format === 'json_schema' || format === 'json_object') {
    add('structured-output', 'medium', `structured output requested (${format})`);
  }

  const turns = req.messages.filter((m) => m.role !== 'system').length;
  if (turns >= 24) add('conversation-depth', 'large', `deep conversation (${turns} messages)`);
  else if (turns >= 8) add('conversation-depth', 'medium', `conversation of ${turns} messages`);

  const maxTokens = req.max_tokens ?? 0;
  if (maxTokens >= 16_000)
    add('max-tokens', 'large', `very long answer requested (max_tokens ${n(maxTokens)})`);
  else if (maxTokens >= 4_000)
    add('max-tokens', 'medium', `long answer requested (max_tokens ${n(maxTokens)})`);

  let level = Math.max(0, ...found.map((s) => TIER_ORDER.indexOf(s.floor)));
  if (found.length >= 3 && level > 0) {
    level = Math.min(level + 1, TIER_ORDER.length - 1);
    add('escalation', TIER_ORDER[level]!, `${found.length} signals combined: one tier up`);
  }
  const tier = TIER_ORDER[level]!;
  const signals = found.map((s) => `${s.detail} → ${s.floor}`);
  signals.push(found.length === 0 ? 'no demanding signal: small' : `needs tier ${tier}`);
  return { tier, signals, details: found, estimatedInputTokens };
}
