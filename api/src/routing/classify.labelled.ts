/**
 * Hand-labelled prompts for the auto classifier: the tier a careful operator would pick for each,
 * labelled from the task before looking at the classifier's output. `classify.test.ts` measures the
 * agreement. Long documents are generated deterministically so the file stays readable.
 */
import type { Tier } from '@lowrouter/shared';
import type { ClassifiableRequest } from './classify';

export interface LabelledPrompt {
  name: string;
  expected: Tier;
  request: ClassifiableRequest;
}

const user = (text: string, extra: Partial<ClassifiableRequest> = {}): ClassifiableRequest => ({
  messages: [{ role: 'user', content: text }],
  ...extra,
});

/** ~`tokens` tokens of plain business prose (≈ 4 characters per token). */
export function prose(tokens: number): string {
  const paragraph =
    'The supplier shall deliver the goods to the buyer at the agreed location within thirty days of the ' +
    'order, and the buyer shall inspect them on arrival and report any visible defect in writing without ' +
    'undue delay. Payment is due within sixty days of the invoice date unless the parties agree otherwise. ';
  return paragraph.repeat(Math.ceil((tokens * 4) / paragraph.length));
}

/** A conversation of `turns` alternating user / assistant messages on a light topic. */
function chat(turns: number, topic: string, last: string): ClassifiableRequest {
  const messages: ClassifiableRequest['messages'][number][] = [];
  for (let i = 0; i < turns - 1; i++) {
    messages.push({
      role: i % 2 === 0 ? 'user' : 'assistant',
      content:
        i % 2 === 0 ? `And what about the ${topic}, part ${i}?` : `Sure, here is a note on the ${topic}.`,
    });
  }
  messages.push({ role: 'user', content: last });
  return { messages };
}

const tool = (name: string) => ({
  type: 'function',
  function: { name, description: `${name} helper`, parameters: { type: 'object', properties: {} } },
});

const LONG_CODE = Array.from(
  { length: 120 },
  (_, i) =>
    `  const worker${i} = await pool.acquire();\n  worker${i}.run(queue.shift());\n  pool.release(worker${i});`,
).join('\n');

export const LABELLED_PROMPTS: readonly LabelledPrompt[] = [
  // Greetings, chit-chat and trivia.
  { name: 'greeting', expected: 'small', request: user('Hi!') },
  { name: 'how are you', expected: 'small', request: user('Hello, how are you today?') },
  { name: 'thanks', expected: 'small', request: user("Thanks, that's all for now.") },
  { name: 'capital', expected: 'small', request: user('What is the capital of Australia?') },
  { name: 'synonyms', expected: 'small', request: user("Give me three synonyms for 'happy'.") },
  { name: 'haiku', expected: 'small', request: user('Write a haiku about autumn leaves.') },
  { name: 'joke', expected: 'small', request: user('Tell me a short joke about cats.') },
  { name: 'puppy name', expected: 'small', request: user('Suggest a name for a golden retriever puppy.') },
  { name: 'percentage', expected: 'small', request: user("What's 15% of 80?") },
  { name: 'temperature', expected: 'small', request: user('Convert 30 degrees Celsius to Fahrenheit.') },
  { name: 'http 404', expected: 'small', request: user('What does an HTTP 404 status mean?') },
  { name: 'tcp vs udp', expected: 'small', request: user('Explain the difference between TCP and UDP.') },
  {
    name: 'french time',
    expected: 'small',
    request: user('Bonjour, quelle heure est-il à Tokyo quand il est midi à Paris ?'),
  },
  // Translation.
  { name: 'translate greeting', expected: 'small', request: user("Translate 'good morning' into Spanish.") },
  {
    name: 'translate station',
    expected: 'small',
    request: user("Translate to German: 'Where is the train station?'"),
  },
  {
    name: 'translate sentence',
    expected: 'small',
    request: user('Translate into French: The meeting has been moved to Thursday afternoon.'),
  },
  {
    name: 'translate manual',
    expected: 'medium',
    request: user(`Translate this manual section into German:\n${prose(1_800)}`),
  },
  // Rewriting, classification, short extraction.
  {
    name: 'grammar',
    expected: 'small',
    request: user("Fix the grammar: 'me and him goes to the store yesterday'"),
  },
  {
    name: 'polite subject',
    expected: 'small',
    request: user("Make this email subject more polite: 'Send me the report now'"),
  },
  {
    name: 'sentiment',
    expected: 'small',
    request: user("Is this review positive or negative? 'The battery died after two days.'"),
  },
  {
    name: 'extract email',
    expected: 'small',
    request: user("Extract the email address: 'Contact Jane at jane.doe@example.com for details.'"),
  },
  {
    name: 'csv to json',
    expected: 'small',
    request: user('Convert this CSV to JSON:\nname,age\nAlice,30\nBob,25'),
  },
  // Summarisation.
  {
    name: 'summarise paragraph',
    expected: 'small',
    request: user(`Summarise in one sentence:\n${prose(120)}`),
  },
  {
    name: 'summarise article',
    expected: 'medium',
    request: user(`Summarise this article in five bullet points:\n${prose(3_000)}`),
  },
  {
    name: 'summarise report',
    expected: 'large',
    request: user(`Summarise the key obligations in this contract:\n${prose(15_000)}`),
  },
  // Extraction to a schema.
  {
    name: 'invoice to schema',
    expected: 'medium',
    request: user('Extract the vendor, date and total from: "ACME Ltd, 2024-03-02, total EUR 1,240.00"', {
      response_format: { type: 'json_schema' },
    }),
  },
  {
    name: 'product attributes json',
    expected: 'medium',
    request: user('List colour, size and material of: "Blue cotton T-shirt, size M".', {
      response_format: { type: 'json_object' },
    }),
  },
  // Code generation and debugging.
  {
    name: 'palindrome function',
    expected: 'medium',
    request: user('Write a Python function that checks whether a string is a palindrome.'),
  },
  {
    name: 'sql top customers',
    expected: 'medium',
    request: user(
      'Write a SQL query returning the top 5 customers by total order value from orders(id, customer_id, amount) and customers(id, name).',
    ),
  },
  { name: 'postcode regex', expected: 'medium', request: user('Write a regex that matches UK postcodes.') },
  {
    name: 'bash backup',
    expected: 'medium',
    request: user('Write a bash script that backs up /var/www to S3 every night and keeps 7 days of copies.'),
  },
  {
    name: 'undefined length',
    expected: 'medium',
    request: user('Why does this throw?\n```js\nconst x = undefined;\nconsole.log(x.length);\n```'),
  },
  {
    name: 'refactor callbacks',
    expected: 'medium',
    request: user(
      "Refactor to async/await:\nfunction load(cb) {\n  fs.readFile('a', (e, d) => {\n    if (e) return cb(e);\n    cb(null, JSON.parse(d));\n  });\n}",
    ),
  },
  {
    name: 'jest tests',
    expected: 'medium',
    request: user(
      'Write unit tests in Jest for: export function add(a: number, b: number) { return a + b; }',
    ),
  },
  {
    name: 'react stack trace',
    expected: 'medium',
    request: user(
      "My page is blank. TypeError: Cannot read properties of undefined (reading 'map')\n    at App.render (App.jsx:12:15)",
    ),
  },
  {
    name: 'race condition',
    expected: 'large',
    request: user(
      `Find the race condition in this worker pool and explain the fix:\n\`\`\`ts\n${LONG_CODE}\n\`\`\``,
    ),
  },
  {
    name: 'rust lru',
    expected: 'large',
    request: user(
      'Implement a thread-safe generic LRU cache in Rust with tests, and explain your reasoning about the locking strategy.',
    ),
  },
  // Mathematics and proofs.
  {
    name: 'linear equation',
    expected: 'medium',
    request: user('Solve for x: 3x + 7 = 22, and show the working.'),
  },
  { name: 'derivative', expected: 'medium', request: user('Compute the derivative of f(x) = x^3 sin(x).') },
  {
    name: 'coin flips',
    expected: 'medium',
    request: user('What is the probability of getting exactly two heads in five fair coin flips?'),
  },
  { name: 'sqrt 2', expected: 'large', request: user('Prove that the square root of 2 is irrational.') },
  {
    name: 'odd numbers induction',
    expected: 'large',
    request: user('Prove by induction that the sum of the first n odd numbers is n^2.'),
  },
  {
    name: 'eigenvalues',
    expected: 'large',
    request: user('A is a 3x3 matrix with eigenvalues 1, 2 and 3. Compute det(A^2 - I). Think step by step.'),
  },
  {
    name: 'functional equation',
    expected: 'large',
    request: user(
      'Find all f: R → R with f(x + y) = f(x) + f(y) + 2xy for all reals, and prove your answer is complete.',
    ),
  },
  {
    name: 'bat and ball',
    expected: 'large',
    request: user(
      'Think step by step: a bat and a ball cost $1.10 in total; the bat costs $1.00 more than the ball. What does the ball cost?',
    ),
  },
  {
    name: 'monotone sequence in lean',
    expected: 'frontier',
    request: user(
      'Prove that every bounded monotone sequence of reals converges, then formalise the proof in Lean 4 and explain each tactic step by step.',
    ),
  },
  {
    name: 'open conjecture style',
    expected: 'frontier',
    request: user(
      'Prove or disprove, rigorously: for every integer n > 1 there is a prime p with n < p < 2n and p ≡ 1 modulo 4 whenever n ≥ 7. Give a complete proof.',
    ),
  },
  // Planning, design and analysis.
  {
    name: 'rome trip',
    expected: 'medium',
    request: user(
      'Plan a 3-day trip to Rome:\n1. list the must-see sights\n2. group them by neighbourhood\n3. suggest restaurants\n4. estimate a budget',
    ),
  },
  {
    name: 'complaint workflow',
    expected: 'medium',
    request: user(
      "First, read the customer's complaint below. Then categorise it. Finally, draft a reply.\n\nMy parcel arrived broken.",
    ),
  },
  {
    name: 'log pipeline',
    expected: 'medium',
    request: user(
      '1. Parse the nginx logs\n2. Aggregate errors per hour\n3. Write a Python script for it\n4. Plot the result',
    ),
  },
  {
    name: 'billing architecture',
    expected: 'large',
    request: user(
      'Design the architecture of a multi-tenant SaaS billing system: data model, services, failure modes and a migration plan from our monolith.',
    ),
  },
  {
    name: 'gdpr vs ccpa',
    expected: 'large',
    request: user(
      'Compare GDPR and CCPA obligations for a data processor step by step, with a recommendation.',
    ),
  },
  {
    name: 'raft in go',
    expected: 'frontier',
    request: user(
      'Design and implement the Raft consensus algorithm in Go, prove its election safety property, and list the failure cases step by step.',
    ),
  },
  {
    name: 'contract inconsistencies',
    expected: 'frontier',
    request: user(
      `Think carefully. Identify every inconsistency between clauses of this contract and show that each one creates a conflicting obligation:\n${prose(20_000)}`,
    ),
  },
  // Long output.
  {
    name: 'heat pump blog',
    expected: 'medium',
    request: user('Write a 2,000-word blog post about heat pumps.', { max_tokens: 4_000 }),
  },
  {
    name: 'novella chapter',
    expected: 'large',
    request: user('Write the complete first chapter of a novella.', { max_tokens: 20_000 }),
  },
  // Tool use.
  {
    name: 'weather tool',
    expected: 'medium',
    request: user("What's the weather in Paris?", { tools: [tool('get_weather')] }),
  },
  {
    name: 'tool result follow-up',
    expected: 'medium',
    request: {
      messages: [
        { role: 'user', content: 'Book a table for two tonight.' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function' }] },
        { role: 'tool', content: '{"ok":true,"time":"20:00"}' },
      ],
    },
  },
  {
    name: 'tools with schema and steps',
    expected: 'large',
    request: user('1. Look up the order\n2. Check the refund policy\n3. Issue the refund if eligible', {
      tools: [tool('get_order'), tool('get_policy'), tool('refund')],
      response_format: { type: 'json_schema' },
    }),
  },
  {
    name: 'support agent',
    expected: 'large',
    request: user('Handle this ticket: the customer cannot log in after resetting the password.', {
      tools: [
        'lookup_user',
        'reset_mfa',
        'send_email',
        'get_logs',
        'open_ticket',
        'close_ticket',
        'escalate',
        'refund',
      ].map(tool),
    }),
  },
  {
    name: 'monorepo migration agent',
    expected: 'frontier',
    request: user(
      'Migrate our monorepo from webpack to Vite.\n1. inventory the packages\n2. plan the order\n3. change configs\n4. run the tests\n5. open pull requests\nThink carefully before each step.',
      {
        tools: [
          'read_file',
          'write_file',
          'list_dir',
          'run',
          'git',
          'search',
          'open_pr',
          'comment',
          'test',
          'lint',
          'diff',
          'ask',
        ].map(tool),
      },
    ),
  },
  // Conversation depth.
  {
    name: 'recipe chat',
    expected: 'medium',
    request: chat(10, 'recipe', 'Can I use butter instead of oil?'),
  },
  {
    name: 'long small talk',
    expected: 'large',
    request: chat(30, 'holiday plan', 'So which one do we choose in the end, given everything?'),
  },
  {
    name: 'system prompt greeting',
    expected: 'small',
    request: {
      messages: [
        { role: 'system', content: 'You are a friendly assistant for a bakery.' },
        { role: 'user', content: 'Hello! Are you open on Sundays?' },
      ],
    },
  },
];
