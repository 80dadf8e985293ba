/**
 * Colours that colour-blind readers can tell apart: the Okabe-Ito palette (Okabe & Ito, "Color
 * Universal Design", 2008). Trusted and untrusted content are blue and vermillion, the pair that
 * stays distinct under protanopia, deuteranopia and tritanopia and in greyscale (dark vs light).
 */
export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
} as const;

export const ORIGIN_COLOURS = { trusted: OKABE_ITO.blue, untrusted: OKABE_ITO.vermillion } as const;

export const STAGE_COLOURS: Record<string, string> = {
  separation: OKABE_ITO.orange,
  metal: OKABE_ITO.skyBlue,
  magnet: OKABE_ITO.bluishGreen,
};

/** Series colours in order, for charts with one line or bar per portfolio or funder. */
export const SERIES_COLOURS = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.skyBlue,
  OKABE_ITO.vermillion,
  OKABE_ITO.black,
  OKABE_ITO.yellow,
];
