import { startStack, portsFrom } from './stack.ts';
const stack = await startStack({ dataDir: '/tmp/dbgstack', ports: portsFrom(56740), seed: true, log: (l) => console.log(l) });
console.log('READY', stack.webUrl, stack.gatewayUrl, stack.databaseUrl);
process.on('SIGTERM', () => void stack.stop().then(() => process.exit(0)));
await new Promise(() => {});
