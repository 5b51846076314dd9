/**
 * The zero-latency fake OpenAI upstream of `pnpm bench load`, as a process of its own (pinned beside
 * the load generator), so neither one's event loop delays the other. Prints `FAKE_UPSTREAM <baseUrl>`
 * once listening and serves until SIGTERM. Requests are not recorded, so memory stays flat under load.
 */
import { startFakeUpstream } from '../../fake-upstream/server';

const fake = await startFakeUpstream({ protocol: 'openai', scenario: 'synthetic', record: false });
process.stdout.write(`FAKE_UPSTREAM ${fake.baseUrl}\n`);
process.once('SIGTERM', () => {
  void fake.close().then(() => process.exit(0));
});
