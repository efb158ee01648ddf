// Drives hot-shots (the common Node.js DogStatsD client) with the calls of the client
// compatibility test (dev.dbre.local.ClientCalls): reads {prefix, constantTags, container, calls}
// as JSON on standard input, sends each call over UDP to 127.0.0.1:<port>, closes the client
// (which sends its last telemetry) and exits 0, or 1 after an error from the client.
// Usage: NODE_PATH=<dir>/node_modules node hot-shots-driver.js <port>
'use strict';
const StatsD = require('hot-shots');

const port = Number(process.argv[2]);
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const fail = (err) => {
  console.error(`hot-shots: ${err && err.stack ? err.stack : err}`);
  process.exitCode = 1;
};
const client = new StatsD({
  host: '127.0.0.1',
  port,
  prefix: input.prefix,
  globalTags: input.constantTags,
  datadog: true,
  containerID: input.container,
  originDetection: false,
  cardinality: 'low',
  includeDatadogTelemetry: true,
  telemetryFlushInterval: 200,
  errorHandler: fail,
});

for (const call of input.calls) {
  if (call.kind === 'metric') {
    const value = call.method === 'set' ? call.member : call.value;
    // An options object carries the timestamp (DogStatsD |T); otherwise rate and tags positionally.
    const rateOrOptions = call.ts === null ? call.rate : { tags: call.tags, timestamp: call.ts };
    const method = { count: 'increment', timing: 'timing' }[call.method] || call.method;
    for (let i = 0; i < call.repeat; i++) {
      client[method](call.name, value, rateOrOptions, call.ts === null ? call.tags : undefined);
    }
  } else if (call.kind === 'check') {
    client.check(call.name, call.status,
      { date_happened: call.ts, hostname: call.hostname, message: call.message }, call.tags);
  } else if (call.kind === 'event') {
    client.event(call.title, call.text, {
      date_happened: call.ts,
      hostname: call.hostname,
      aggregation_key: call.aggregationKey,
      priority: call.priority,
      source_type_name: call.sourceType,
      alert_type: call.alertType,
    }, call.tags);
  } else {
    fail(new Error(`unknown call kind ${call.kind}`));
  }
}
client.close((err) => {
  if (err) {
    fail(err);
  }
});
