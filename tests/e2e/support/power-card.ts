/**
 * The Now view's power card: the live collective figure, or, in a minute the privacy rule withholds
 * it (docs/PRIVACY.md), the card that says why. The demo withholds some minutes on its own: one
 * private home running its washing machine can make up most of the private homes' sum, for an hour.
 * A test whose subject is not the figure itself waits for either.
 */
export const POWER_CARD = '[data-testid="collective-power"], [data-testid="collective-withheld"]';

/** What the card shows (English): a figure in W, or the card that says why it is withheld. */
export const POWER_SHOWN = /^\d.*W$|^Collective power (Withheld: |A household has just changed)/;
