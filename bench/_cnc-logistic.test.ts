import assert from 'node:assert/strict';
import { test } from 'node:test';
import { predict, trainLogistic } from './_cnc-logistic.ts';

test('logistic regression separates a separable, unbalanced set', () => {
  const samples = [
    ...Array.from({ length: 50 }, (_, index) => ({ features: [index / 100, 0.1], label: 0 as const })),
    ...Array.from({ length: 3 }, (_, index) => ({ features: [0.9 + index / 100, 0.9], label: 1 as const })),
  ];
  const model = trainLogistic(samples);
  assert.ok(
    samples.every((sample) => (predict(model, sample.features) >= 0.5 ? 1 : 0) === sample.label),
    JSON.stringify(model),
  );
  assert.ok(model.weights[1]! > 0, 'the feature that marks positives gets a positive weight');
});
