import { createSurveyDeps, surveyRuleFiles } from './src/cli/survey-deps.ts';
import { createProtocolRegistry, shippedProtocols } from './src/protocols/registry.ts';
import { defineProtocol } from './src/protocols/protocol.ts';
import { openStore } from './src/store/open-store.ts';
import { runSurvey } from './src/survey/run-survey.ts';
import { grabAcmeEcho } from './test/protocol-fixture/acme-echo/grabber.ts';

const [cidr, count] = [process.argv[2]!, Number(process.argv[3])];
const fakes = Array.from({ length: count }, (_, index) =>
  defineProtocol({ name: `fake-udp-${index}`, description: 'x', transport: 'udp', defaultPorts: [7171 + index], fields: {}, grab: grabAcmeEcho as never }),
);
const protocols = createProtocolRegistry([...shippedProtocols.protocols, ...fakes]);
const store = await openStore(':memory:');
const started = performance.now();
const summary = await runSurvey({ targets: [cidr], ports: [7], ...(count === 0 ? { udpPorts: [] } : {}) }, createSurveyDeps({ store, protocols, ruleFiles: surveyRuleFiles({ labRules: false }) }));
console.log(cidr, count, 'UDP ports', ((performance.now() - started) / 1000).toFixed(1), 's', JSON.stringify(summary.udp));
await store.close();
