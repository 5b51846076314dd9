/** Starts the views of a page on their elements with the page's one GraphQL client. */
import { type View, createGraphqlClient } from './client';

export function mount(views: Record<string, View>): () => void {
  const client = createGraphqlClient();
  const stops = Object.entries(views).flatMap(([id, view]) => {
    const el = document.getElementById(id);
    return el ? [view(el, client)] : [];
  });
  return () => {
    for (const stop of stops) stop();
  };
}
