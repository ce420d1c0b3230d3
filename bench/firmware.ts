import { createRandom } from '../src/core/random.ts';

const _vendorCount = 60;
const _productsPerVendor = 400;
const _pageSize = 2000;
const _naiveDeviceLimit = 200;
const _naiveSecondsLimit = 30;

function _randomSource(seed: number): () => number {
  const random = createRandom(seed);
  return () => random.next();
}
