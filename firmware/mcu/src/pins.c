/*
 * Firmata numbers pins 0-19 (D0-D13, then A0-A5 as 14-19) and groups them in ports of eight
 * (port 1 = pins 8-15 spans AVR PORTB and PORTC), so every access goes pin by pin.
 * Pins 0 and 1 carry the serial link and offer no mode.
 */
#include "pins.h"
#include <avr/io.h>
#include <util/atomic.h>
#include "adc.h"
#include "i2c.h"
#include "protocol.h"
#include "serial.h"
#include "uart.h"
#include "wire-out.h"

#define PORTS 3

static uint8_t mode_of[TOTAL_PINS];
static uint8_t reported_ports;
static uint8_t last_sent[PORTS];
static uint8_t analog_reporting;

/* PINx, DDRx and PORTx sit at consecutive addresses on the ATmega328P (datasheet section 30). */
volatile uint8_t *pins_in_reg(uint8_t pin) {
  if (pin < 8) {
    return &PIND;
  }
  return pin < FIRST_ANALOG_PIN ? &PINB : &PINC;
}

volatile uint8_t *pins_port_reg(uint8_t pin) { return pins_in_reg(pin) + 2; }

uint8_t pins_mask(uint8_t pin) {
  if (pin < 8) {
    return (uint8_t)_BV(pin);
  }
  return (uint8_t)_BV(pin < FIRST_ANALOG_PIN ? pin - 8 : pin - FIRST_ANALOG_PIN);
}

static uint8_t supports(uint8_t pin, uint8_t mode) {
  if (pin < 2 || pin >= TOTAL_PINS) {
    return 0;
  }
  switch (mode) {
    case MODE_INPUT:
    case MODE_OUTPUT:
    case MODE_PULLUP:
      return 1;
    case MODE_ANALOG:
      return pin >= FIRST_ANALOG_PIN;
    case MODE_I2C:
      return pin == 18 || pin == 19;
    case MODE_SERIAL:
      return 1;
    default:
      return 0;
  }
}

static void apply_mode(uint8_t pin, uint8_t mode) {
  volatile uint8_t *pinx = pins_in_reg(pin);
  volatile uint8_t *ddr = pinx + 1;
  volatile uint8_t *port = pinx + 2;
  uint8_t m = pins_mask(pin);
  /* Atomic: the software serial's interrupt writes its TX bit in the same PORTx. */
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
    if (mode == MODE_OUTPUT) {
      *port &= (uint8_t)~m;
      *ddr |= m;
    } else {
      *ddr &= (uint8_t)~m;
      /* I2C keeps the weak pull-ups on, as a bus without external resistors would otherwise float;
         a serial RX pin keeps its pull-up so an unconnected line idles high. */
      if (mode == MODE_PULLUP || mode == MODE_I2C || mode == MODE_SERIAL) {
        *port |= m;
      } else {
        *port &= (uint8_t)~m;
      }
    }
  }
  if (pin >= FIRST_ANALOG_PIN && mode != MODE_ANALOG) {
    pins_report_analog(pin - FIRST_ANALOG_PIN, 0);
  }
  mode_of[pin] = mode;
}

void pins_reset(void) {
  reported_ports = 0;
  analog_reporting = 0;
  adc_set_scan(0);
  /* Inputs by default, not outputs: a kit's sensor may drive any pin, and two outputs must never fight. */
  for (uint8_t pin = 2; pin < TOTAL_PINS; pin++) {
    apply_mode(pin, pin >= FIRST_ANALOG_PIN ? MODE_ANALOG : MODE_INPUT);
  }
  for (uint8_t i = 0; i < PORTS; i++) {
    last_sent[i] = 0;
  }
}

void pins_set_mode(uint8_t pin, uint8_t mode) {
  /* SERIAL is entered only through SERIAL_CONFIG, which names both pins. */
  if (!supports(pin, mode) || mode == MODE_SERIAL) {
    return;
  }
  if (mode_of[pin] == MODE_SERIAL) {
    serial_close(); /* the host takes a pin of the port for something else */
  }
  apply_mode(pin, mode);
  if (mode == MODE_I2C) {
    i2c_enable();
  }
}

void pins_write_pin(uint8_t pin, uint8_t value) {
  if (pin >= TOTAL_PINS || mode_of[pin] != MODE_OUTPUT) {
    return;
  }
  volatile uint8_t *port = pins_port_reg(pin);
  uint8_t m = pins_mask(pin);
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
    if (value) {
      *port |= m;
    } else {
      *port &= (uint8_t)~m;
    }
  }
}

void pins_claim_serial(uint8_t pin, uint8_t is_tx) {
  if (is_tx) {
    volatile uint8_t *pinx = pins_in_reg(pin);
    uint8_t m = pins_mask(pin);
    apply_mode(pin, MODE_SERIAL); /* input with pull-up: the line is already high */
    ATOMIC_BLOCK(ATOMIC_RESTORESTATE) { *(pinx + 1) |= m; }
  } else {
    apply_mode(pin, MODE_SERIAL);
  }
}

void pins_release_serial(uint8_t pin) {
  if (pin < TOTAL_PINS && mode_of[pin] == MODE_SERIAL) {
    apply_mode(pin, MODE_INPUT);
  }
}

void pins_write_port(uint8_t port, uint8_t value) {
  for (uint8_t i = 0; i < 8; i++) {
    pins_write_pin((uint8_t)(port * 8 + i), (value >> i) & 1);
  }
}

static uint8_t read_port(uint8_t port) {
  uint8_t value = 0;
  for (uint8_t i = 0; i < 8; i++) {
    uint8_t pin = (uint8_t)(port * 8 + i);
    if (pin >= TOTAL_PINS) {
      break;
    }
    uint8_t mode = mode_of[pin];
    if ((mode == MODE_INPUT || mode == MODE_PULLUP) && (*pins_in_reg(pin) & pins_mask(pin))) {
      value |= (uint8_t)_BV(i);
    }
  }
  return value;
}

static void send_port(uint8_t port, uint8_t value) {
  uart_write((uint8_t)(DIGITAL_MESSAGE | port));
  out_u14(value);
  last_sent[port] = value;
}

void pins_report_port(uint8_t port, uint8_t enable) {
  if (port >= PORTS) {
    return;
  }
  if (enable) {
    reported_ports |= (uint8_t)_BV(port);
    /* protocol.md: enabling a report sends the current value at once. */
    send_port(port, read_port(port));
  } else {
    reported_ports &= (uint8_t)~_BV(port);
  }
}

void pins_report_analog(uint8_t channel, uint8_t enable) {
  if (channel >= ANALOG_CHANNELS) {
    return;
  }
  if (enable) {
    analog_reporting |= (uint8_t)_BV(channel);
  } else {
    analog_reporting &= (uint8_t)~_BV(channel);
  }
  adc_set_scan(analog_reporting);
}

void pins_poll_digital(void) {
  for (uint8_t port = 0; port < PORTS; port++) {
    if (reported_ports & _BV(port)) {
      uint8_t value = read_port(port);
      if (value != last_sent[port]) {
        send_port(port, value);
      }
    }
  }
}

void pins_send_analog(void) {
  for (uint8_t ch = 0; ch < ANALOG_CHANNELS; ch++) {
    if (analog_reporting & _BV(ch)) {
      uart_write((uint8_t)(ANALOG_MESSAGE | ch));
      out_u14(adc_scan_value(ch));
    }
  }
}

void pins_send_capabilities(void) {
  static const uint8_t modes[] = {MODE_INPUT, MODE_OUTPUT, MODE_PULLUP, MODE_ANALOG, MODE_I2C, MODE_SERIAL};
  out_sysex_begin(CAPABILITY_RESPONSE);
  for (uint8_t pin = 0; pin < TOTAL_PINS; pin++) {
    for (uint8_t i = 0; i < sizeof modes; i++) {
      if (supports(pin, modes[i])) {
        out_u7(modes[i]);
        /* resolution in bits; for SERIAL, serial.md defines RES_RX0.. for hardware ports only, and
           any of these pins can be the software port's RX or TX: 0 */
        out_u7(modes[i] == MODE_ANALOG ? 10 : modes[i] == MODE_SERIAL ? 0 : 1);
      }
    }
    out_u7(0x7F);
  }
  out_sysex_end();
}

void pins_send_analog_mapping(void) {
  out_sysex_begin(ANALOG_MAPPING_RESPONSE);
  for (uint8_t pin = 0; pin < TOTAL_PINS; pin++) {
    out_u7(pin >= FIRST_ANALOG_PIN ? pin - FIRST_ANALOG_PIN : 0x7F);
  }
  out_sysex_end();
}

void pins_send_state(uint8_t pin) {
  if (pin >= TOTAL_PINS) {
    return;
  }
  out_sysex_begin(PIN_STATE_RESPONSE);
  out_u7(pin);
  out_u7(mode_of[pin]);
  /* For outputs the state is the written level; for inputs, whether the pull-up is on. */
  out_u7((*(pins_in_reg(pin) + 2) & pins_mask(pin)) ? 1 : 0);
  out_sysex_end();
}
