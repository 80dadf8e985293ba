/** Reference datasets, with the citation of every record. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DatasetParamsSchema } from '../schemas/api/common.js';
import { DatasetListSchema, DatasetSchema } from '../schemas/api/datasets.js';
import { CalibrationReportSchema } from '../schemas/calibration.js';
import { json, problems } from './docs.js';
import { links } from './views.js';

const cite = {
  source: [{ title: 'USGS Mineral Commodity Summaries 2025', url: 'https://pubs.usgs.gov/periodicals/mcs2025/mcs2025-rare-earths.pdf' }],
  estimate: false,
};

const exampleDataset = {
  meta: {
    id: 'quad-2026',
    title: 'Quad rare-earth midstream 2026',
    description: 'Separation, metal and magnet plants, feedstock, demand and prices for the Quad and partners.',
    currency: 'USD',
    rivalSupplierCountry: 'CN',
    chain: {
      name: 'rare-earth permanent magnets (mine to magnet)',
      stages: [
        { id: 'separation', name: 'Separation', role: 'feed', capacityUnit: 't TREO of feed' },
        { id: 'metal', name: 'Metal and alloy', role: 'conversion', capacityUnit: 't metal' },
        { id: 'magnet', name: 'NdFeB magnet', role: 'conversion', capacityUnit: 't finished magnet' },
      ],
      feedUnit: 't TREO',
      feedName: 'concentrate',
      heavyCircuitName: 'heavy rare-earth circuit (Dy, Tb)',
      finalProductTerm: 'magnet grade',
      recyclingStages: { short_loop: 'metal', long_loop: 'separation' },
    },
    defaults: { discountRate: 0.07, unservedPenaltyUsdPerT: 5000000, shortfallPenaltyUsdPerT: 500000, domesticTransportUsdPerT: 50 },
    source: cite.source,
  },
  countries: [{ id: 'US', name: 'United States', group: 'quad', defaultTrusted: true, ...cite }],
  products: [{ id: 'ndpr_oxide', name: 'NdPr oxide', stage: 'separation', heavy: false, final: false, ...cite }],
  processes: [],
  sources: [],
  plants: [],
  demand: [],
  prices: [],
  transport: [],
  funders: [],
  exportControls: [],
};

export const datasetRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/datasets',
    {
      schema: {
        tags: ['datasets'],
        operationId: 'listDatasets',
        summary: 'List the reference datasets',
        response: {
          200: json(
            DatasetListSchema,
            {
              items: [
                {
                  id: 'quad-2026',
                  title: 'Quad rare-earth midstream 2026',
                  description: 'Separation, metal and magnet plants, feedstock, demand and prices for the Quad and partners.',
                  currency: 'USD',
                  counts: { countries: 13, products: 8, plants: 73 },
                  links: { self: '/datasets/quad-2026' },
                },
              ],
            },
            'The datasets scenarios can name in `datasetId`.',
          ),
        },
      },
    },
    async () => ({ items: app.services.datasets.list().map((d) => ({ ...d, links: { self: links.dataset(d.id) } })) }),
  );

  app.get(
    '/datasets/:id',
    {
      schema: {
        tags: ['datasets'],
        operationId: 'getDataset',
        summary: 'One reference dataset, every record with its sources',
        params: DatasetParamsSchema,
        response: {
          200: json(DatasetSchema, exampleDataset, 'The dataset (abridged in this example).'),
          400: problems.badRequest('/datasets/bad id', [{ path: 'id', in: 'params', message: 'ids may only contain letters, digits, "_", "." and "-"' }]),
          404: problems.notFound('/datasets/nope', 'dataset'),
        },
      },
    },
    async (request) => app.services.datasets.get(request.params.id),
  );

  app.get(
    '/datasets/:id/calibration',
    {
      schema: {
        tags: ['datasets'],
        operationId: 'getDatasetCalibration',
        summary: 'Does the dataset reproduce the observed years? Each modelled figure beside its published value, band and source',
        description:
          'Solves the observed years of the dataset (those of its calibration figures) with existing and committed capacity only and no targets, ' +
          'and compares each modelled figure with its published value and the band chosen from the spread of the sources. Computed once per dataset, off the event loop.',
        params: DatasetParamsSchema,
        response: {
          200: json(
            CalibrationReportSchema,
            {
              datasetId: 'quad-2026',
              years: [2024, 2025],
              status: 'optimal',
              totalCostUsd: 4.0e9,
              maxRelativeViolation: 1e-12,
              rows: [
                {
                  id: 'mountain_pass_ndpr_2025',
                  description: 'MP Materials Mountain Pass NdPr oxide output',
                  year: 2025,
                  kind: 'plant_output',
                  unit: 't',
                  modelValue: 2599,
                  modelNotation: null,
                  published: { value: 2599, low: 2300, high: 2900 },
                  verdict: 'within',
                  toleranceNote: 'Reported annual output; quarterly output moved 597-721 t within 2025.',
                  estimate: false,
                  sources: [{ title: 'MP Materials Reports Fourth Quarter and Full Year 2025 Results (26 Feb 2026)', factIds: ['B-012'] }],
                },
              ],
              summary: { within: 1, outside: 0, notComparable: 0, noValue: 0 },
            },
            'The calibration table.',
          ),
          400: problems.badRequest('/datasets/bad id/calibration', [
            { path: 'id', in: 'params', message: 'ids may only contain letters, digits, "_", "." and "-"' },
          ]),
          404: problems.notFound('/datasets/nope/calibration', 'dataset'),
        },
      },
    },
    async (request) => app.services.calibration.get(request.params.id),
  );
};
