import { SolvePool } from './src/services/pool.js';
const t0 = performance.now(); const c0 = process.cpuUsage();
const pool = new SolvePool({ size: Number(process.argv[2] ?? 1), maxQueue: 2, graceSeconds: 1 });
await pool.start();
const c1 = process.cpuUsage(c0);
console.log('pool start', ((performance.now() - t0) / 1000).toFixed(1), 's wall', ((c1.user + c1.system) / 1e6).toFixed(1), 's cpu');
await pool.close?.();
process.exit(0);
