const HOURS_PER_YEAR = 8766; // 365.25 days
const YEAR_MS = HOURS_PER_YEAR * 3_600_000;

export interface FootprintInput {
  hubPowerW: number;
  /** declared power budget of each node, null when a node declares none */
  nodePowerW: ReadonlyArray<number | null>;
  /** collective energy measured over `measuredSpanMs`, in Wh */
  measuredWh: number;
  measuredSpanMs: number;
  tariffPerKwh: number;
  dailyCharge: number;
  gridGco2PerKwh: number;
}

export interface Footprint {
  systemW: number;
  nodesW: number;
  countedNodes: number;
  undeclaredNodes: number;
  systemKwhPerYear: number;
  /** measured energy scaled to a year, null when nothing was measured */
  measuredKwhPerYear: number | null;
  /** system ÷ measured, null when nothing was measured */
  share: number | null;
  /** what the system's own energy costs at the tariff (the daily charge is the homes', not ours) */
  costPerYear: number;
  co2KgPerYear: number;
}

/**
 * The system's own consumption from declared power budgets (hub plus every node, running all year)
 * against the energy it measures, extrapolated to a year from the span actually covered — a young
 * installation with two weeks of data still gets a fair ratio.
 */
export function computeFootprint(input: FootprintInput): Footprint {
  let nodesW = 0;
  let counted = 0;
  for (const w of input.nodePowerW) {
    if (w === null || !Number.isFinite(w)) continue;
    nodesW += w;
    counted++;
  }
  const systemW = input.hubPowerW + nodesW;
  const systemKwhPerYear = (systemW * HOURS_PER_YEAR) / 1000;
  const measuredKwhPerYear =
    input.measuredSpanMs > 0 && input.measuredWh > 0
      ? (input.measuredWh / 1000) * (YEAR_MS / input.measuredSpanMs)
      : null;
  return {
    systemW,
    nodesW,
    countedNodes: counted,
    undeclaredNodes: input.nodePowerW.length - counted,
    systemKwhPerYear,
    measuredKwhPerYear,
    share: measuredKwhPerYear ? systemKwhPerYear / measuredKwhPerYear : null,
    costPerYear: systemKwhPerYear * input.tariffPerKwh,
    co2KgPerYear: (systemKwhPerYear * input.gridGco2PerKwh) / 1000,
  };
}
