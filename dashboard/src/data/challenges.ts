import type { ChallengesBody, ChallengeView } from '../../../protocol/challenge.ts';
import { getJson } from './http.ts';

export type { ChallengeView };

/** Every collective challenge, with its baseline and its progress or result (docs/API.md). */
export async function fetchChallenges(signal?: AbortSignal): Promise<ChallengeView[]> {
  return (await getJson<ChallengesBody>('/api/challenges', signal)).challenges;
}
