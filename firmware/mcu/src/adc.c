/*
 * Conversions are started by software from the Timer1 compare ISR and chained from the ADC ISR, so
 * the clamp's current sample is taken at a jitter-free instant and the reported channels still get
 * fresh values without a blocking read in the main loop. At clk/128 (125 kHz ADC clock) a conversion
 * takes 104 us; three fit in one tick at up to 2.4 kHz.
 */
#include "adc.h"
#include <avr/interrupt.h>
#include <avr/io.h>
#include <util/atomic.h>
#include "clamp.h"

enum { STEP_CURRENT, STEP_VOLTAGE, STEP_SCAN, STEP_IDLE };

static volatile uint8_t scan_mask;
static volatile uint16_t scan_values[6];
static uint8_t scan_channel;
static volatile uint8_t clamp_i = ADC_NO_CHANNEL;
static volatile uint8_t clamp_v = ADC_NO_CHANNEL;
static uint8_t step = STEP_IDLE;
static uint16_t last_current;

static void start(uint8_t channel) {
  ADMUX = _BV(REFS0) | channel; /* AVCC reference */
  ADCSRA |= _BV(ADSC);
}

/* Starts the next conversion of this tick's sequence, or goes idle. */
static void advance(void) {
  for (;;) {
    switch (step) {
      case STEP_CURRENT:
        if (clamp_i != ADC_NO_CHANNEL) {
          start(clamp_i);
          return;
        }
        step = STEP_SCAN; /* no clamp: no voltage either */
        break;
      case STEP_VOLTAGE:
        if (clamp_v != ADC_NO_CHANNEL) {
          start(clamp_v);
          return;
        }
        step = STEP_SCAN;
        break;
      case STEP_SCAN:
        if (scan_mask) {
          /* no % here: a 16-bit division per step kept this ISR busy for up to 75 us, long
             enough to corrupt the software serial's bit sampling */
          do {
            scan_channel = scan_channel >= 5 ? 0 : (uint8_t)(scan_channel + 1);
          } while (!(scan_mask & _BV(scan_channel)));
          start(scan_channel);
          return;
        }
        step = STEP_IDLE;
        return;
      default:
        return;
    }
  }
}

void adc_init(void) {
  ADMUX = _BV(REFS0);
  ADCSRA = _BV(ADEN) | _BV(ADIE) | _BV(ADPS2) | _BV(ADPS1) | _BV(ADPS0);
  adc_set_rate(2000);
}

void adc_set_rate(uint16_t hz) {
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
    TCCR1A = 0;
    TCCR1B = _BV(WGM12) | _BV(CS10); /* CTC on OCR1A, no prescaler: 62.5 ns resolution */
    OCR1A = (uint16_t)((F_CPU + hz / 2) / hz - 1);
    TCNT1 = 0;
    TIMSK1 = _BV(OCIE1A);
  }
}

ISR(TIMER1_COMPA_vect) {
  if (step != STEP_IDLE) {
    return; /* the previous sequence overran its tick: skip rather than corrupt it */
  }
  step = STEP_CURRENT;
  advance();
}

ISR(ADC_vect) {
  uint16_t value = ADC;
  switch (step) {
    case STEP_CURRENT:
      last_current = value;
      if (clamp_v == ADC_NO_CHANNEL) {
        clamp_sample_isr(value, 0);
      }
      step = STEP_VOLTAGE;
      break;
    case STEP_VOLTAGE:
      clamp_sample_isr(last_current, value);
      step = STEP_SCAN;
      break;
    case STEP_SCAN:
      scan_values[scan_channel] = value;
      step = STEP_IDLE;
      return;
    default:
      return;
  }
  advance();
}

void adc_set_scan(uint8_t mask) { scan_mask = mask & 0x3F; }

uint16_t adc_scan_value(uint8_t channel) {
  uint16_t v;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) { v = scan_values[channel]; }
  return v;
}

void adc_set_clamp(uint8_t current_channel, uint8_t voltage_channel) {
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
    clamp_i = current_channel;
    clamp_v = current_channel == ADC_NO_CHANNEL ? ADC_NO_CHANNEL : voltage_channel;
  }
}
