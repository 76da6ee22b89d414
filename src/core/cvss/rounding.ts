/**
 * CVSS v3.1 Roundup (specification appendix A): the smallest one-decimal number >= input, computed on
 * an integer so that float noise such as 4.000000000000001 does not round up to 4.1.
 */
export function roundUp31(input: number): number {
  const scaled = Math.round(input * 100_000);
  return scaled % 10_000 === 0 ? scaled / 100_000 : (Math.floor(scaled / 10_000) + 1) / 10;
}

/**
 * CVSS v3.0 "Round up": the smallest one-decimal number >= input, on the exact value of the formula.
 * v3.0 predates the integer Roundup, so only float noise is removed (nine decimals, far below any
 * real difference between the formula and a tenth); 4.000001 still rounds up to 4.1, unlike v3.1.
 */
export function roundUp30(input: number): number {
  const scaled = Math.round(input * 1_000_000_000);
  return scaled % 100_000_000 === 0 ? scaled / 1_000_000_000 : (Math.floor(scaled / 100_000_000) + 1) / 10;
}

/**
 * CVSS v4.0: half up to one decimal after adding 1e-6, as FIRST's reference calculator does, so that
 * 1.4499999999999993 (a 1.45 spoilt by float subtraction) becomes 1.5.
 */
export const roundHalfUp40 = (value: number): number => Math.round((value + 1e-6) * 10) / 10;

/** Sub-scores are shown to one decimal, half up (as NVD and FIRST's calculator show them). */
export const roundHalfUp1 = (value: number): number => Math.round((value + 1e-9) * 10) / 10;
