// A learned scorer beside the C&C rules, for the benchmark only: logistic regression over the
// same figures the rules read, trained on lab populations of other seeds than the ones it is
// measured on. It is reported beside the rules, never shipped: the rules stay the explanation
// an operator reads, and weights fitted to a generated lab would be no explanation at all.
import type { CncDetectionResult } from '../src/cnc/detect.ts';

/** One endpoint's features, each scaled to about 0–1. */
export type FeatureVector = number[];

export const featureNames = ['log bots', 'log others', 'bot share', 'lift (capped 10)', 'beaconing share', 'regularity', 'log median contacts', 'feed listed'];

/**
 * The features of every scored endpoint of a detection, with its key.
 * @example endpointFeatures(detectCncCandidates(request))[0].features.length // 8
 */
export function endpointFeatures(result: CncDetectionResult): Array<{ key: string; features: FeatureVector }> {
  return result.scored.map(({ figures, candidate }) => {
    const bots = candidate.botsContacting;
    const share = bots / (bots + candidate.benignContacting);
    const lift = result.populationBotShare > 0 ? share / result.populationBotShare : 0;
    const contacts = [...figures.botContacts.values()].map((times) => times.length).sort((a, b) => a - b);
    const medianContacts = contacts[contacts.length >> 1] ?? 0;
    return {
      key: `${candidate.endpoint}|${candidate.port}|${candidate.protocol}`,
      features: [
        Math.log1p(bots) / 5,
        Math.log1p(candidate.benignContacting) / 7,
        share,
        Math.min(lift, 10) / 10,
        candidate.beaconing ? candidate.beaconing.beaconingBots / bots : 0,
        candidate.beaconing?.regularity ?? 0,
        Math.log1p(medianContacts) / 6,
        candidate.feedsMatched.length > 0 ? 1 : 0,
      ],
    };
  });
}

export interface LogisticModel {
  weights: number[];
  bias: number;
}

const sigmoid = (value: number) => 1 / (1 + Math.exp(-value));

/** Probability that the endpoint is a C&C server. */
export const predict = (model: LogisticModel, features: FeatureVector): number =>
  sigmoid(features.reduce((sum, value, index) => sum + value * model.weights[index]!, model.bias));

/** Solve A x = b (A symmetric positive definite, small) by Gaussian elimination with partial pivoting. */
function solve(matrix: number[][], vector: number[]): number[] {
  const size = vector.length;
  const rows = matrix.map((row, index) => [...row, vector[index]!]);
  for (let column = 0; column < size; column++) {
    let pivot = column;
    for (let row = column + 1; row < size; row++) if (Math.abs(rows[row]![column]!) > Math.abs(rows[pivot]![column]!)) pivot = row;
    [rows[column], rows[pivot]] = [rows[pivot]!, rows[column]!];
    for (let row = column + 1; row < size; row++) {
      const factor = rows[row]![column]! / rows[column]![column]!;
      for (let index = column; index <= size; index++) rows[row]![index]! -= factor * rows[column]![index]!;
    }
  }
  const solution = new Array<number>(size).fill(0);
  for (let row = size - 1; row >= 0; row--) {
    let sum = rows[row]![size]!;
    for (let index = row + 1; index < size; index++) sum -= rows[row]![index]! * solution[index]!;
    solution[row] = sum / rows[row]![row]!;
  }
  return solution;
}

/**
 * Newton's method (iteratively reweighted least squares) on the log loss with a small L2
 * penalty (the lab's classes are nearly separable: a larger one keeps every weight too small to
 * pass 0.5). `balance` weights positives up to the negatives' total; on the lab it buys recall
 * with far more false positives, so it is off. Eight features converge in a few tens of steps,
 * where plain gradient descent on such unbalanced data stopped far from the optimum.
 * @example trainLogistic([{ features: [1], label: 1 }, { features: [0], label: 0 }])
 */
export function trainLogistic(
  samples: ReadonlyArray<{ features: FeatureVector; label: 0 | 1 }>,
  options: { iterations?: number; l2?: number; balance?: boolean } = {},
): LogisticModel {
  const { iterations = 50, l2 = 1e-6, balance = false } = options;
  const dimensions = (samples[0]?.features.length ?? 0) + 1; // the last coordinate is the bias
  const positives = samples.filter((sample) => sample.label === 1).length;
  const positiveWeight = positives === 0 || !balance ? 1 : (samples.length - positives) / positives;
  const totalWeight = samples.length - positives + positives * positiveWeight;
  let parameters = new Array<number>(dimensions).fill(0);
  for (let iteration = 0; iteration < iterations; iteration++) {
    const gradient = parameters.map((value, index) => (index < dimensions - 1 ? l2 * value : 0));
    const hessian = Array.from({ length: dimensions }, (_, row) =>
      Array.from({ length: dimensions }, (_, column) => (row === column && row < dimensions - 1 ? l2 : 0)),
    );
    for (const sample of samples) {
      const x = [...sample.features, 1];
      const probability = sigmoid(x.reduce((sum, value, index) => sum + value * parameters[index]!, 0));
      const weight = (sample.label === 1 ? positiveWeight : 1) / totalWeight;
      const error = (probability - sample.label) * weight;
      const curvature = probability * (1 - probability) * weight;
      for (let row = 0; row < dimensions; row++) {
        gradient[row]! += error * x[row]!;
        for (let column = 0; column < dimensions; column++) hessian[row]![column]! += curvature * x[row]! * x[column]!;
      }
    }
    const step = solve(hessian, gradient);
    parameters = parameters.map((value, index) => value - step[index]!);
    if (Math.max(...step.map(Math.abs)) < 1e-6) break;
  }
  return { weights: parameters.slice(0, -1), bias: parameters[dimensions - 1]! };
}
