/**
 * Tonnes each plant made of each product in a solved plan, read from the solved columns by name:
 * separation yields (`feed` × the feed-yield rule) and conversion output (`make`). Keyed
 * `plant|product|year`. The contracts report and the calibration both read it.
 */
import type { LinearModel } from '../model/builder.js';
import { parseName } from '../model/families.js';
import type { Instance } from '../model/instance.js';
import { feedYields } from '../model/feed-yield.js';

export function plantOutputs(instance: Instance, model: LinearModel, values: Float64Array): Map<string, number> {
  const plants = new Map(instance.plants.map((p) => [p.id, p]));
  const sources = new Map(instance.sources.map((s) => [s.id, s]));
  const output = new Map<string, number>();
  const add = (key: string, v: number) => output.set(key, (output.get(key) ?? 0) + v);
  model.colNames.forEach((name, j) => {
    const value = values[j] ?? 0;
    if (value <= 1e-9) return;
    const parsed = parseName(name);
    if (parsed.family === 'feed') {
      const { source: sourceId, plant: plantId, year } = parsed.index;
      const source = sources.get(sourceId);
      const plant = plants.get(plantId);
      if (!source || !plant) return;
      for (const [product, rate] of feedYields(instance, source, plant, year)) add(`${plantId}|${product}|${year}`, value * rate);
    } else if (parsed.family === 'make') {
      const { plant: plantId, process: processId, year } = parsed.index;
      const process = instance.processes.get(processId);
      if (process) add(`${plantId}|${process.output}|${year}`, value);
    }
  });
  return output;
}
