import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerPrompt } from './userauth.ts';

test('keyboard-interactive prompts: passwords get the password, user-name questions the user name, anything else nothing', () => {
  for (const prompt of ['Password: ', 'Password for admin@NAS1F2E3D: ', '(admin@127.0.0.1) Password:', 'Passcode:', 'PIN: ', 'パスワード: '])
    assert.equal(answerPrompt(prompt, 'admin', 's3cret'), 's3cret', prompt);
  for (const prompt of ['Username: ', 'login: ']) assert.equal(answerPrompt(prompt, 'admin', 's3cret'), 'admin', prompt);
  for (const prompt of ['Verification code: ', 'Enter the token from your app: ', 'Continue? [y/n] '])
    assert.equal(answerPrompt(prompt, 'admin', 's3cret'), undefined, prompt);
});
