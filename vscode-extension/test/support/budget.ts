/**
 * The time budget of a test that runs real JVMs: each step waits with its own deadline (a
 * warm-up of the class-data archive and the check of it: the extension's WARM_UP_TIMEOUT_MS
 * each; an adapter answering initialize: a start and a request, DEADLINE_MS each; another JVM
 * run: DEADLINE_MS), so the test's budget is the sum of theirs — not mocha's fixed 60 s, which a
 * warm-up and an adapter start exceed on two busy cores.
 */
import { WARM_UP_TIMEOUT_MS } from '../../src/classArchive';
import { DEADLINE_MS } from './procs';

export function budget(test: Mocha.Context, jvms: { warmUps?: number; adapters?: number; runs?: number }): void {
    test.timeout((jvms.warmUps ?? 0) * WARM_UP_TIMEOUT_MS + (jvms.adapters ?? 0) * 2 * DEADLINE_MS + (jvms.runs ?? 0) * DEADLINE_MS);
}
