/*
 * One software serial port (Firmata SW_SERIAL0, serial.md) at 9600 baud, 8N1, on any two of pins
 * 2-19. Timer2 runs free at clk/32, 2 us a count (datasheet 22.11, CS2 = 011); a bit is 52 counts,
 * 104 us, 0.16 % faster than 9600 baud, well inside the few percent a UART tolerates. Compare unit A
 * paces reception and compare unit B transmission, so both directions run at once, and each interrupt
 * lasts a few microseconds instead of holding the CPU for a whole byte.
 *
 * Receive: the pin-change interrupt of the RX pin (datasheet 13.2) catches the start bit's falling
 * edge, masks itself, and sets compare A half a bit later. There the start bit must still be low (a
 * shorter glitch is ignored); then the 8 data bits (LSB first) and the stop bit are sampled in their
 * middles. A byte whose stop bit is low is a framing error and is dropped. Bytes go into a 64-byte
 * ring that the main loop sends as SERIAL_REPLY once the line has been quiet for 3 ms (the gap between
 * a sensor's frames) or 32 bytes are waiting.
 *
 * Transmit: SERIAL_WRITE bytes go into a 64-byte ring; compare B drives the start bit, 8 data bits and
 * the stop bit, one per 52 counts.
 */
#include "serial.h"
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/pgmspace.h>
#include <util/atomic.h>
#include "pins.h"
#include "protocol.h"
#include "uart.h"
#include "wire-out.h"

#define BIT_COUNTS 52
#define BAUD 9600UL
#define SW_SERIAL0 0x08
#define RING 64
#define REPLY_MAX 32
#define QUIET_MS 3

enum { SUB_CONFIG = 0x10, SUB_WRITE = 0x20, SUB_READ = 0x30, SUB_CLOSE = 0x50, SUB_FLUSH = 0x60 };
enum { READ_CONTINUOUSLY = 0x00, STOP_READING = 0x01 };
/* rx_bit while waiting for the middle of the start bit */
#define RX_START 0xFF

static const char err_port[] PROGMEM = "serial: only SW_SERIAL0 (port 8)";
static const char err_config[] PROGMEM = "serial: config needs 9600 baud and rx/tx pins 2-19";

static uint8_t port_open;
static uint8_t rx_pin;
static uint8_t tx_pin; /* == rx_pin for a receive-only port */
static volatile uint8_t *rx_in;
static volatile uint8_t *rx_pcmsk;
static uint8_t rx_pcie;
static uint8_t rx_mask;
static volatile uint8_t *tx_out;
static uint8_t tx_mask;

static volatile uint8_t rx_ring[RING];
static volatile uint8_t rx_head;
static volatile uint8_t rx_tail;
static volatile uint8_t rx_bit;
static uint8_t rx_byte;

static volatile uint8_t tx_ring[RING];
static volatile uint8_t tx_head;
static volatile uint8_t tx_tail;
static volatile uint8_t tx_busy;
static uint8_t tx_bit;
static uint8_t tx_byte;

static uint8_t reading;
static uint8_t read_max;
static uint8_t seen;
static uint32_t seen_ms;

void serial_init(void) {
  TCCR2A = 0;
  TCCR2B = _BV(CS21) | _BV(CS20);
}

static void listen_for_start(void) {
  PCIFR = rx_pcie;
  *rx_pcmsk |= rx_mask;
}

ISR(PCINT0_vect) {
  if (*rx_in & rx_mask) {
    return; /* a rising edge */
  }
  /* the edge was a count or so before this read: the middle of the start bit is 26 counts after it */
  OCR2A = (uint8_t)(TCNT2 + BIT_COUNTS / 2 - 1);
  *rx_pcmsk &= (uint8_t)~rx_mask;
  rx_bit = RX_START;
  TIFR2 = _BV(OCF2A);
  TIMSK2 |= _BV(OCIE2A);
}
ISR_ALIAS(PCINT1_vect, PCINT0_vect);
ISR_ALIAS(PCINT2_vect, PCINT0_vect);

ISR(TIMER2_COMPA_vect) {
  uint8_t high = (*rx_in & rx_mask) != 0;
  OCR2A += BIT_COUNTS;
  if (rx_bit == RX_START) {
    if (!high) {
      rx_bit = 0;
      return;
    }
  } else if (rx_bit < 8) {
    rx_byte = (uint8_t)((rx_byte >> 1) | (high ? 0x80 : 0));
    rx_bit++;
    return;
  } else if (high) {
    uint8_t next = (uint8_t)((rx_head + 1) & (RING - 1));
    if (next != rx_tail) { /* when full, the newest byte is lost */
      rx_ring[rx_head] = rx_byte;
      rx_head = next;
    }
  }
  TIMSK2 &= (uint8_t)~_BV(OCIE2A);
  listen_for_start();
}

ISR(TIMER2_COMPB_vect) {
  OCR2B += BIT_COUNTS;
  uint8_t high;
  if (tx_bit == 0) {
    if (tx_tail == tx_head) {
      TIMSK2 &= (uint8_t)~_BV(OCIE2B);
      tx_busy = 0;
      return;
    }
    tx_byte = tx_ring[tx_tail];
    tx_tail = (uint8_t)((tx_tail + 1) & (RING - 1));
    high = 0; /* start bit */
  } else if (tx_bit <= 8) {
    high = tx_byte & 1;
    tx_byte >>= 1;
  } else {
    high = 1; /* stop bit; the next compare starts the next byte or stops */
    tx_bit = 0;
    *tx_out |= tx_mask;
    return;
  }
  tx_bit++;
  if (high) {
    *tx_out |= tx_mask;
  } else {
    *tx_out &= (uint8_t)~tx_mask;
  }
}

void serial_close(void) {
  if (!port_open) {
    return;
  }
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
    *rx_pcmsk &= (uint8_t)~rx_mask;
    TIMSK2 &= (uint8_t)~(_BV(OCIE2A) | _BV(OCIE2B));
    tx_busy = 0;
    tx_head = tx_tail;
    rx_head = rx_tail;
  }
  port_open = 0;
  reading = 0;
  pins_release_serial(rx_pin);
  pins_release_serial(tx_pin);
}

static void configure(const uint8_t *p, uint8_t n) {
  uint32_t baud = n >= 4 ? (uint32_t)p[1] | ((uint32_t)p[2] << 7) | ((uint32_t)p[3] << 14) : 0;
  if (n < 6 || baud != BAUD || p[4] < 2 || p[4] >= TOTAL_PINS || p[5] < 2 || p[5] >= TOTAL_PINS) {
    out_string_P(err_config);
    return;
  }
  serial_close();
  rx_pin = p[4];
  tx_pin = p[5];
  rx_tail = 0;
  tx_head = 0;
  tx_bit = 0;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
    rx_head = 0;
    tx_tail = 0;
  }
  if (tx_pin != rx_pin) {
    /* the line idles high: the pin goes high before it becomes an output, so the sensor sees no start bit */
    pins_claim_serial(tx_pin, 1);
    tx_out = pins_port_reg(tx_pin);
    tx_mask = pins_mask(tx_pin);
  }
  /* with its pull-up, an unconnected RX pin idles high instead of hearing noise */
  pins_claim_serial(rx_pin, 0);
  rx_in = pins_in_reg(rx_pin);
  rx_mask = pins_mask(rx_pin);
  /* pin-change groups (datasheet 13.2.4-13.2.8): PORTB is PCINT0-7, PORTC PCINT8-14, PORTD PCINT16-23 */
  uint8_t group = rx_pin < 8 ? 2 : rx_pin < FIRST_ANALOG_PIN ? 0 : 1;
  rx_pcmsk = &PCMSK0 + group;
  rx_pcie = (uint8_t)_BV(group);
  PCICR |= rx_pcie;
  port_open = 1;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) { listen_for_start(); }
}

static void write_bytes(const uint8_t *p, uint8_t n) {
  if (!port_open || tx_pin == rx_pin) {
    return;
  }
  for (uint8_t i = 0; i + 1 < n; i += 2) {
    uint8_t b = (uint8_t)(p[i] | (p[i + 1] << 7));
    uint8_t next = (uint8_t)((tx_head + 1) & (RING - 1));
    while (next == tx_tail) {
      uart_pump(); /* a full ring drains at one byte per 1.04 ms */
    }
    tx_ring[tx_head] = b;
    tx_head = next;
    ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
      if (!tx_busy) {
        tx_busy = 1;
        tx_bit = 0;
        OCR2B = (uint8_t)(TCNT2 + 2);
        TIFR2 = _BV(OCF2B);
        TIMSK2 |= _BV(OCIE2B);
      }
    }
  }
}

void serial_sysex(const uint8_t *p, uint8_t n) {
  if (n < 1) {
    return;
  }
  uint8_t sub = p[0] & 0xF0;
  if ((p[0] & 0x0F) != SW_SERIAL0) {
    out_string_P(err_port);
    return;
  }
  switch (sub) {
    case SUB_CONFIG:
      configure(p, n);
      break;
    case SUB_WRITE:
      write_bytes(p + 1, (uint8_t)(n - 1));
      break;
    case SUB_READ:
      if (n >= 2 && p[1] == STOP_READING) {
        reading = 0;
      } else if (port_open) {
        reading = 1;
        read_max = n >= 4 ? (uint8_t)(p[2] | (p[3] << 7)) : 0;
        if (read_max == 0 || read_max > REPLY_MAX) {
          read_max = REPLY_MAX;
        }
      }
      break;
    case SUB_CLOSE:
      serial_close();
      break;
    case SUB_FLUSH: /* serial.md: on a software port, flush discards what was received */
      rx_tail = rx_head;
      break;
    default: /* SERIAL_LISTEN: the only port always listens */
      break;
  }
}

void serial_poll(uint32_t now_ms) {
  if (!reading) {
    return;
  }
  uint8_t waiting = (uint8_t)((rx_head - rx_tail) & (RING - 1));
  if (waiting == 0) {
    return;
  }
  if (waiting != seen) {
    seen = waiting;
    seen_ms = now_ms;
  }
  if (waiting < read_max && now_ms - seen_ms < QUIET_MS) {
    return;
  }
  uint8_t count = waiting < read_max ? waiting : read_max;
  out_sysex_begin(SERIAL_MESSAGE);
  out_u7(SERIAL_REPLY | SW_SERIAL0);
  for (uint8_t i = 0; i < count; i++) {
    out_u14(rx_ring[rx_tail]);
    rx_tail = (uint8_t)((rx_tail + 1) & (RING - 1));
  }
  out_sysex_end();
  seen = 0;
}
