/** Bot/probe rules and their ordering (docs/honeypot.md). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultBotLoginAttempts, judgeHoneypotEvidence, type HoneypotEvidence } from './verdict.ts';

const none: HoneypotEvidence = { loginAttempts: 0, loginSuccesses: 0, commands: 0, fileTransfers: 0, tcpForwards: 0 };
const judge = (evidence: Partial<HoneypotEvidence>, threshold?: number) => judgeHoneypotEvidence({ ...none, ...evidence }, threshold);

test('post-login activity makes a bot, downloads with commands the strongest case', () => {
  const full = judge({ loginAttempts: 1, loginSuccesses: 1, commands: 5, fileTransfers: 2 });
  assert.deepEqual(full, { verdict: 'bot', confidence: 0.95, reason: 'logged in, ran 5 commands and transferred 2 files' });
  assert.equal(judge({ loginSuccesses: 1, fileTransfers: 1 }).confidence, 0.9);
  assert.deepEqual(judge({ loginAttempts: 1, loginSuccesses: 1, commands: 1 }), { verdict: 'bot', confidence: 0.85, reason: 'logged in and ran 1 command' });
  assert.equal(judge({ commands: 3 }).verdict, 'bot', 'commands prove a login even if its line was in another file');
  assert.equal(judge({ loginSuccesses: 1, tcpForwards: 4 }).confidence, 0.8);
  assert.equal(judge({ tcpForwards: 4 }).verdict, 'probe', 'a forward request without a login is not proof of anything');
});

test('login attempts alone: bot from the threshold on, with less confidence than post-login activity', () => {
  assert.equal(defaultBotLoginAttempts, 10);
  assert.equal(judge({ loginAttempts: 9 }).verdict, 'probe');
  assert.equal(judge({ loginAttempts: 9 }).confidence, 0.3);
  assert.deepEqual(judge({ loginAttempts: 10 }), { verdict: 'bot', confidence: 0.65, reason: '10 login attempts (at least 10)' });
  assert.equal(judge({ loginAttempts: 50 }).confidence, 0.75);
  assert.ok(judge({ loginAttempts: 500 }).confidence < judge({ loginSuccesses: 1, commands: 1 }).confidence);
  assert.equal(judge({ loginAttempts: 3 }, 3).verdict, 'bot', 'the threshold is configurable');
});

test('weak evidence stays a probe with low confidence', () => {
  assert.deepEqual(judge({}), { verdict: 'probe', confidence: 0.1, reason: 'connected without trying to log in' });
  const idle = judge({ loginAttempts: 1, loginSuccesses: 1 });
  assert.equal(idle.verdict, 'probe');
  assert.equal(idle.confidence, 0.4);
});
