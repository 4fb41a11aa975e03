/*
 * Counts a pulse when it ends, if it lasted at least the minimum width. The ISR fires on both edges
 * and always re-reads the pin, so a glitch too short to see, or an edge missed while interrupts were
 * off, only resynchronises the state instead of inverting it. Contact bounce at either end of a real
 * pulse shows up as pulses shorter than the width and is rejected (and counted as rejected), while
 * the real pulse is counted once. The count is a running 32-bit value that is never reset by
 * reporting, so a lost report loses no pulse: the host takes differences modulo 2^32.
 */
#include "pulse.h"
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/pgmspace.h>
#include <util/atomic.h>
#include "clock.h"
#include "protocol.h"
#include "wire-out.h"

#define CHANNELS 2
#define HEARTBEAT_MS 1000

enum { SUB_CONFIG = 0x00, SUB_QUERY = 0x01, SUB_RESET = 0x02, SUB_REPORT = 0x03 };
enum { FLAG_ENABLE = 0x01, FLAG_ACTIVE_LOW = 0x02, FLAG_PULLUP = 0x04 };

struct channel {
  volatile uint32_t count;
  volatile uint32_t rejected;
  volatile uint32_t last_pulse_ms;
  uint32_t start_us;
  uint32_t min_width_us;
  uint8_t in_pulse;
  uint8_t active_low;
  uint8_t enabled;
  uint32_t sent_count;
  uint32_t sent_rejected;
  uint32_t sent_ms;
};

static struct channel ch[CHANNELS];

static const char err_config[] PROGMEM = "pulse: bad config (channel 0-1, flags, 5-byte width in us)";

static uint8_t pin_level(uint8_t c) { return (PIND & _BV(c == 0 ? PD2 : PD3)) ? 1 : 0; }

static void edge(uint8_t c) {
  struct channel *k = &ch[c];
  uint8_t active = pin_level(c) ^ k->active_low;
  uint32_t now = clock_micros_unlocked();
  if (active) {
    k->start_us = now;
    k->in_pulse = 1;
  } else if (k->in_pulse) {
    k->in_pulse = 0;
    if (now - k->start_us >= k->min_width_us) {
      k->count++;
      k->last_pulse_ms = clock_millis();
    } else {
      k->rejected++;
    }
  }
}

ISR(INT0_vect) { edge(0); }
ISR(INT1_vect) { edge(1); }

static void disable(uint8_t c) {
  EIMSK &= (uint8_t)~_BV(c == 0 ? INT0 : INT1);
  ch[c].enabled = 0;
}

void pulse_reset(void) {
  for (uint8_t c = 0; c < CHANNELS; c++) {
    disable(c);
    ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
      ch[c].count = 0;
      ch[c].rejected = 0;
      ch[c].last_pulse_ms = 0;
      ch[c].in_pulse = 0;
    }
    ch[c].sent_count = 0;
    ch[c].sent_rejected = 0;
  }
}

static void send_report(uint8_t c, uint32_t now_ms) {
  struct channel *k = &ch[c];
  uint32_t count;
  uint32_t rejected;
  uint32_t last;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
    count = k->count;
    rejected = k->rejected;
    last = k->last_pulse_ms;
  }
  out_sysex_begin(SYSEX_PULSE_COUNTER);
  out_u7(SUB_REPORT);
  out_u7(c);
  out_u32(count);
  out_u32(rejected);
  out_u32(last);
  out_u32(now_ms);
  out_sysex_end();
  k->sent_count = count;
  k->sent_rejected = rejected;
  k->sent_ms = now_ms;
}

static void configure(const uint8_t *p, uint8_t n) {
  if (n < 7 || p[0] >= CHANNELS) {
    out_string_P(err_config);
    return;
  }
  uint8_t c = p[0];
  uint8_t flags = p[1];
  uint8_t bit = c == 0 ? PD2 : PD3;
  disable(c);
  DDRD &= (uint8_t)~_BV(bit);
  if (flags & FLAG_PULLUP) {
    PORTD |= _BV(bit);
  } else {
    PORTD &= (uint8_t)~_BV(bit);
  }
  struct channel *k = &ch[c];
  k->min_width_us = in_u32(p + 2);
  k->active_low = (flags & FLAG_ACTIVE_LOW) ? 1 : 0;
  if (!(flags & FLAG_ENABLE)) {
    return;
  }
  k->enabled = 1;
  /* Any logical change (ISCn0 = 1), so both edges of each pulse reach the ISR. */
  if (c == 0) {
    EICRA = (uint8_t)((EICRA & ~(_BV(ISC01) | _BV(ISC00))) | _BV(ISC00));
  } else {
    EICRA = (uint8_t)((EICRA & ~(_BV(ISC11) | _BV(ISC10))) | _BV(ISC10));
  }
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
    /* A pulse already under way when counting starts has no known start: it is not counted. */
    k->in_pulse = 0;
    EIFR = _BV(c == 0 ? INTF0 : INTF1);
    EIMSK |= _BV(c == 0 ? INT0 : INT1);
  }
}

void pulse_sysex(const uint8_t *p, uint8_t n) {
  if (n < 1) {
    return;
  }
  switch (p[0]) {
    case SUB_CONFIG:
      configure(p + 1, (uint8_t)(n - 1));
      break;
    case SUB_QUERY:
      if (n >= 2 && p[1] < CHANNELS) {
        send_report(p[1], clock_millis());
      }
      break;
    case SUB_RESET:
      if (n >= 2 && p[1] < CHANNELS) {
        ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
          ch[p[1]].count = 0;
          ch[p[1]].rejected = 0;
        }
      }
      break;
    default:
      break;
  }
}

void pulse_poll(uint32_t now_ms) {
  for (uint8_t c = 0; c < CHANNELS; c++) {
    struct channel *k = &ch[c];
    if (!k->enabled) {
      continue;
    }
    uint32_t count;
    uint32_t rejected;
    ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
      count = k->count;
      rejected = k->rejected;
    }
    if (count != k->sent_count || rejected != k->sent_rejected || now_ms - k->sent_ms >= HEARTBEAT_MS) {
      send_report(c, now_ms);
    }
  }
}
