/**
 * Reference datasets as the service sees them: a provider (the bundled folders in production, an
 * in-memory map in tests) and the lookups the routes need.
 */
import { DatasetError, listDatasetIds, loadDataset } from '../data/load.js';
import { DATASET_FILES, type Dataset } from '../data/schema.js';
import { notFound } from '../errors.js';

export interface DatasetProvider {
  ids(): string[];
  /** The dataset, or null when there is none with this id. */
  get(id: string): Dataset | null;
}

export function datasetsFromMap(map: ReadonlyMap<string, Dataset>): DatasetProvider {
  return { ids: () => [...map.keys()].sort(), get: (id) => map.get(id) ?? null };
}

/** The datasets under data/reference. A bundled dataset that fails validation still throws: that is a bug in the data. */
export function bundledDatasets(): DatasetProvider {
  return {
    ids: () => listDatasetIds(),
    get(id) {
      if (!listDatasetIds().includes(id)) return null;
      try {
        return loadDataset(id);
      } catch (error) {
        if (error instanceof DatasetError && error.issues.length === 0) return null;
        throw error;
      }
    },
  };
}

export interface DatasetSummary {
  id: string;
  title: string;
  description: string;
  currency: string;
  counts: Record<string, number>;
}

export type DatasetService = ReturnType<typeof createDatasetService>;

export function createDatasetService(provider: DatasetProvider) {
  const summarise = (dataset: Dataset): DatasetSummary => {
    const counts: Record<string, number> = {};
    for (const key of Object.keys(DATASET_FILES) as Array<keyof typeof DATASET_FILES>) {
      const value = dataset[key];
      if (Array.isArray(value)) counts[key] = value.length;
    }
    return { id: dataset.meta.id, title: dataset.meta.title, description: dataset.meta.description, currency: dataset.meta.currency, counts };
  };

  return {
    provider,
    ids: () => provider.ids(),
    list(): DatasetSummary[] {
      return provider.ids().flatMap((id) => {
        const dataset = provider.get(id);
        return dataset ? [{ ...summarise(dataset), id }] : [];
      });
    },
    /** Throws 404 when unknown. */
    get(id: string): Dataset {
      const dataset = provider.get(id);
      if (!dataset) throw notFound('dataset', id);
      return dataset;
    },
    find: (id: string): Dataset | null => provider.get(id),
  };
}
