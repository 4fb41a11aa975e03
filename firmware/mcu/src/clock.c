/*
 * Timer0 in CTC mode at clk/64 (4 us per count) with TOP = 249 gives an exact 1 ms tick, so millis
 * needs no fractional correction. Timer0 is then unavailable for PWM, which this firmware does not
 * offer (see docs/FIRMWARE.md).
 */
#include "clock.h"
#include <avr/interrupt.h>
#include <avr/io.h>
#include <util/atomic.h>

static volatile uint32_t ms_ticks;

void clock_init(void) {
  TCCR0A = _BV(WGM01);
  TCCR0B = _BV(CS01) | _BV(CS00);
  OCR0A = 249;
  TIMSK0 = _BV(OCIE0A);
}

ISR(TIMER0_COMPA_vect) { ms_ticks++; }

uint32_t clock_millis(void) {
  uint32_t m;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) { m = ms_ticks; }
  return m;
}

uint32_t clock_micros_unlocked(void) {
  uint32_t m = ms_ticks;
  uint8_t t = TCNT0;
  /* The compare match may have happened while interrupts were off: the counter has wrapped but the
     tick is not counted yet. */
  if ((TIFR0 & _BV(OCF0A)) && t < 249) {
    m++;
  }
  return m * 1000UL + (uint32_t)t * 4U;
}
