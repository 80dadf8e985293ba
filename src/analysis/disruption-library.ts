/**
 * The named disruptions a stress test runs by default, per dataset, each drawn from the facts
 * (shared/facts ids in `facts`). Years and durations are judgements stated in each description.
 */
import type { Disruption } from '../schemas/analysis.js';

export const DISRUPTION_LIBRARY: Readonly<Record<string, readonly Disruption[]>> = {
  'quad-2026': [
    {
      id: 'heavy_licensing_2027',
      name: 'April 2025 heavy licensing, licences refused from 2027 for 3 years',
      description:
        "China's April 2025 licensing of Dy, Tb and five other medium/heavy elements (H-001) applied as refusals: no Chinese Dy/Tb oxide or metal and no high-temperature magnets (which carry them) for 2027-2029. Magnet exports to the US fell >90 % after the 2025 controls (E-031).",
      facts: ['H-001', 'E-031', 'E-032'],
      kind: 'export_control',
      fromYear: 2027,
      years: 3,
      products: ['dy_oxide', 'tb_oxide', 'dy_metal', 'tb_metal', 'ndfeb_magnet_ht'],
    },
    {
      id: 'magnet_ban_2027',
      name: 'Full magnet ban from 2027 for 3 years',
      description:
        'The October 2025 measures (H-002: the 0.1 % extraterritorial rule bites at the magnet stage) return when their suspension ends in November 2026 (H-003, G-024), as a ban of all Chinese NdFeB magnet sales for 2027-2029.',
      facts: ['H-002', 'H-003', 'G-024', 'E-031'],
      kind: 'export_control',
      fromYear: 2027,
      years: 3,
      products: ['ndfeb_magnet_std', 'ndfeb_magnet_ht'],
    },
    {
      id: 'malaysia_shutdown_2028',
      name: 'Malaysian shutdown in 2028 (1 year)',
      description:
        "Every plant in Malaysia stops for 2028: Malaysia's policy against raw rare-earth imports and exports (Lynas may import concentrate only until March 2026, H-020) stops Lynas Malaysia (10,500 t NdPr/yr, B-005) and the Malaysian plants a portfolio builds.",
      facts: ['H-020', 'B-005', 'A-026'],
      kind: 'outage',
      fromYear: 2028,
      years: 1,
      countries: ['MY'],
    },
    {
      id: 'lynas_malaysia_outage_2028',
      name: 'Lynas Malaysia outage in 2028 (1 year)',
      description:
        'Lynas Malaysia (10,500 t NdPr/yr capacity, B-005; 6,558 t NdPr in FY25, B-004), the only commercial separated-REO producer outside China (B-002), stops for 2028.',
      facts: ['B-002', 'B-004', 'B-005'],
      kind: 'outage',
      fromYear: 2028,
      years: 1,
      plants: ['lynas_malaysia'],
    },
    {
      id: 'mountain_pass_outage_2028',
      name: 'Mountain Pass separation outage in 2028 (1 year)',
      description: 'The Mountain Pass separation plant (2,599 t NdPr oxide in 2025, B-012; 50,692 t REO mined, A-004) stops for 2028.',
      facts: ['B-012', 'B-013', 'A-004'],
      kind: 'outage',
      fromYear: 2028,
      years: 1,
      plants: ['mountain_pass_separation'],
    },
    {
      id: 'ndpr_price_war_40',
      name: 'Price war: NdPr oxide at USD 40/kg for 2027-2029',
      description:
        'The rival undercuts: NdPr oxide at USD 40/kg (40,000 USD/t) for three years from 2027, below the 2024 lows (49 USD/kg in December 2024, F-049; 53-55 fob, F-050) that made Western producers depend on floors (F-047).',
      facts: ['F-049', 'F-050', 'F-047'],
      kind: 'price',
      fromYear: 2027,
      years: 3,
      products: ['ndpr_oxide'],
      usdPerT: 40_000,
    },
  ],
};

export const libraryFor = (datasetId: string): readonly Disruption[] => DISRUPTION_LIBRARY[datasetId] ?? [];
