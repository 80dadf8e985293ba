const t = (label, c0) => { const c = process.cpuUsage(c0); console.log(label, ((c.user + c.system) / 1000).toFixed(0), 'ms'); };
let c0 = process.cpuUsage();
await import('zod'); t('zod', c0); c0 = process.cpuUsage();
await import('fastify'); t('fastify', c0); c0 = process.cpuUsage();
await import('./dist/schemas/scenario.js'); t('schemas/scenario', c0); c0 = process.cpuUsage();
await import('./dist/schemas/report.js'); t('schemas/report', c0); c0 = process.cpuUsage();
await import('./dist/planner.js'); t('planner', c0); c0 = process.cpuUsage();
await import('./dist/app.js'); t('app', c0); c0 = process.cpuUsage();
