/**
 * The long-running gateway: a round (gateway-cycle.ts) every interval, at once on wake()
 * (SIGHUP: "pull now", e.g. after the ISP closed a finding), and a last report when stopped.
 * The state is the caller's: the walled garden reads the enforced policy from it.
 * The rules stay loaded when the gateway stops: blocking C&C endpoints must not depend on
 * this process being alive (`opennotice gateway --clear` removes them).
 */
import { describeError } from '../core/errors.ts';
import { type GatewayConfig, type GatewayDeps, type GatewayState, runGatewayCycle } from './gateway-cycle.ts';

export interface GatewayLoop {
  /** Resolves when the signal aborts and the last report was attempted. */
  done: Promise<void>;
  /** Start the next round now instead of at the end of the interval. */
  wake(): void;
}

/**
 * @example const loop = startGatewayLoop(config, deps, { windowStart: new Date(), unsent: [] }, { intervalSeconds: 300, signal }); process.on('SIGHUP', loop.wake); await loop.done
 */
export function startGatewayLoop(
  config: GatewayConfig,
  deps: GatewayDeps,
  state: GatewayState,
  options: { intervalSeconds: number; signal: AbortSignal },
): GatewayLoop {
  let wakeUp: (() => void) | undefined;
  let wakeRequested = false;
  const sleep = () =>
    new Promise<void>((resolve) => {
      if (wakeRequested || options.signal.aborted) {
        wakeRequested = false;
        resolve();
        return;
      }
      const finish = () => {
        clearTimeout(timer);
        options.signal.removeEventListener('abort', finish);
        wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(finish, options.intervalSeconds * 1000);
      options.signal.addEventListener('abort', finish, { once: true });
      wakeUp = finish;
    });
  const run = async () => {
    while (!options.signal.aborted) {
      try {
        await runGatewayCycle(config, deps, state, { pull: true });
      } catch (error) {
        deps.log.error(`round failed, retrying in ${options.intervalSeconds} s: ${describeError(error)}`, error, { event: 'gateway-round-failed' });
      }
      await sleep();
    }
    try {
      await runGatewayCycle(config, deps, state, { pull: false });
    } catch (error) {
      deps.log.warn(`last report on stopping failed: ${describeError(error)}`, { event: 'gateway-stop-failed' });
    }
  };
  return {
    done: run(),
    wake() {
      if (wakeUp) wakeUp();
      else wakeRequested = true;
    },
  };
}
