import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/key-store';
import type { InferenceDeps } from '../inference/complete';
import { openAIError, writeJson } from './openai-error';

export async function handleEmbeddings(
  _req: IncomingMessage,
  res: ServerResponse,
  _deps: InferenceDeps,
  _principal: Principal,
  _signal: AbortSignal,
): Promise<void> {
  writeJson(
    res,
    openAIError(501, 'invalid_request_error', 'embeddings are not available yet', 'not_implemented'),
  );
}
